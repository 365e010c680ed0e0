"""The publicity section's words: what staff read about a publication, and why publishing failed."""

from __future__ import annotations

from enum import StrEnum

from domain.publicity import Trace


class PublishProblem(StrEnum):
    """Why the site's folder could not be written."""

    not_ours = "not_ours"  # not empty, and no marker of an earlier publish
    permission = "permission"
    filesystem = "filesystem"


PROBLEM_TEXT: dict[PublishProblem, str] = {
    PublishProblem.not_ours: "thư mục này không trống và không phải do dhtt xuất bản trước đây (chọn thư mục khác)",
    PublishProblem.permission: "không có quyền ghi",
    PublishProblem.filesystem: "lỗi hệ thống tệp",
}

STATE_TEXT = {"none": "Chưa duyệt", "approved": "Đã duyệt", "withdrawn": "Đã thu hồi"}

APPROVED = "Đã duyệt nội dung công bố về {name}. Trang sẽ có trên chuyên mục sau lần xuất bản tới."
WITHDRAWN = "Đã thu hồi bài công bố về {name}. Trang sẽ được gỡ khỏi chuyên mục ở lần xuất bản tới."
PUBLISHED = "Đã xuất bản {count} gương điển hình tiên tiến vào thư mục {folder}"
NOT_PUBLISHED = "Không xuất bản được vào thư mục {folder}: {problem}"
EMPTY_TEXT = "Đề nghị nhập nội dung công bố trước khi duyệt."
BAD_FORM = "Nội dung công bố quá dài hoặc ảnh được chọn không hợp lệ."
FOREIGN_PHOTO = "Không duyệt được: ảnh được chọn không thuộc hồ sơ của gương điển hình này."
NOT_APPROVED = "Gương điển hình này chưa được duyệt công bố."

TRACE_TEXT: dict[Trace, str] = {
    Trace.email: "địa chỉ thư điện tử",
    Trace.phone: "số điện thoại",
    Trace.birth_date: "ngày sinh",
}
PRIVATE_IN_TEXT = ("Chưa duyệt: nội dung công bố còn {traces}. Đề nghị bỏ các thông tin này rồi duyệt lại "
                   "(chuyên mục không đăng thông tin cá nhân).")


def private_in_text(traces: list[Trace]) -> str:
    return PRIVATE_IN_TEXT.format(traces=", ".join(TRACE_TEXT[t] for t in traces))
