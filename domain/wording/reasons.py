"""The Vietnamese words of each reason: what a unit is told, its short title, and its detail."""

from __future__ import annotations

import re

from domain.authentication import Authentication, Verdict
from domain.codes import ReasonCode
from domain.wording import level_text, size_text

# Each reason as a Sở would explain it to a school, with what to do about it.
REASON_TEXT: dict[ReasonCode, str] = {
    ReasonCode.unknown_sender: (
        "Địa chỉ thư điện tử gửi hồ sơ chưa được đăng ký trong danh sách đơn vị của Sở. Hồ sơ đã được "
        "lưu lại và sẽ được cán bộ Sở xác minh trước khi ghi nhận. Đề nghị đơn vị gửi hồ sơ từ địa chỉ "
        "thư công vụ đã đăng ký, hoặc liên hệ Sở để đăng ký địa chỉ này."),
    ReasonCode.no_nomination: (
        "Không tìm thấy gương điển hình tiên tiến nào trong thư và các tệp đính kèm. Đề nghị đơn vị "
        "đính kèm phiếu đề xuất, danh sách gương điển hình tiên tiến (tệp Word hoặc Excel) hoặc báo cáo "
        "thành tích của từng gương, ghi rõ họ và tên, đối tượng, chức vụ, đơn vị công tác và tóm tắt "
        "thành tích nổi bật."),
    ReasonCode.missing_name: (
        "Chưa ghi họ và tên của cá nhân (hoặc tên của tập thể) được đề xuất. Đề nghị đơn vị bổ sung "
        "họ và tên đầy đủ, có dấu."),
    ReasonCode.missing_category: (
        "Chưa xác định được đối tượng của gương điển hình. Đề nghị đơn vị ghi rõ đối tượng: Cán bộ "
        "quản lý, Nhà giáo, Người lao động, Học sinh/học viên hoặc Tập thể, và ghi rõ chức vụ."),
    ReasonCode.missing_summary: (
        "Chưa có tóm tắt thành tích nổi bật. Đề nghị đơn vị bổ sung phần tóm tắt các thành tích, "
        "sáng kiến, sản phẩm đổi mới, sáng tạo tiêu biểu của gương điển hình."),
    ReasonCode.missing_evidence: (
        "Chưa có minh chứng cho thành tích. Minh chứng là bản chụp hoặc bản quét giấy khen, bằng khen, "
        "giấy chứng nhận, quyết định công nhận, hình ảnh hoạt động, sản phẩm đổi mới, sáng tạo… Đề nghị "
        "đơn vị đính kèm các tệp minh chứng vào thư, hoặc ghi đường liên kết (Google Drive, YouTube, "
        "trang thông tin điện tử của nhà trường) trong hồ sơ hay trong nội dung thư, đã mở quyền xem."),
    ReasonCode.missing_school_level: (
        "Chưa xác định được cấp học của gương điển hình. Đề nghị đơn vị ghi rõ cấp học (Mầm non, Tiểu "
        "học, THCS, THPT, GDNN-GDTX) hoặc tên đầy đủ của trường nơi công tác, học tập."),
    ReasonCode.unreadable_attachment: (
        "Tệp đính kèm bị lỗi, hệ thống không mở được. Đề nghị đơn vị mở lại tệp trên máy tính, lưu lại "
        "(trong Word hoặc Excel, chọn Lưu thành) dưới định dạng .docx, .xlsx hoặc .pdf rồi gửi lại."),
    ReasonCode.encrypted_attachment: (
        "Tệp đính kèm được đặt mật khẩu nên hệ thống không đọc được. Đề nghị đơn vị gỡ bỏ mật khẩu "
        "của tệp rồi gửi lại; không gửi mật khẩu qua thư."),
    ReasonCode.unsupported_attachment: (
        "Hệ thống chưa đọc được định dạng của tệp này. Đề nghị đơn vị gửi phiếu đề xuất, danh sách và "
        "báo cáo thành tích dưới định dạng Word (.docx, .doc), Excel (.xlsx) hoặc PDF."),
    ReasonCode.attachment_too_large: (
        "Tệp đính kèm vượt quá dung lượng cho phép. Đề nghị đơn vị giảm dung lượng tệp (giảm độ phân "
        "giải ảnh chụp, video) hoặc tải tệp lên Google Drive và gửi đường liên kết đã mở quyền xem."),
    ReasonCode.legacy_encoding_converted: (
        "Văn bản được soạn bằng phông chữ cũ (TCVN3 hoặc VNI) và đã được chuyển sang bảng mã Unicode. "
        "Đề nghị đơn vị kiểm tra kỹ họ tên và các thông tin có dấu trong thư này; các lần sau đề nghị "
        "soạn thảo bằng phông chữ Unicode (như Times New Roman)."),
    ReasonCode.late: (
        "Hồ sơ được gửi sau thời hạn của quý (từ ngày 15 đến hết ngày 20 của tháng cuối quý) nên được "
        "ghi nhận là nộp muộn. Đề nghị đơn vị gửi hồ sơ đúng thời hạn trong các quý tiếp theo."),
    ReasonCode.quota_short: (
        "Số gương điển hình tiên tiến đơn vị đã gửi trong quý chưa đủ chỉ tiêu theo Kế hoạch (mỗi quý "
        "ít nhất 01 gương; Phòng GDĐT huyện, thành phố: ít nhất 01 gương cho mỗi cấp học Mầm non, Tiểu "
        "học, THCS). Đề nghị đơn vị gửi bổ sung trước ngày 20 của tháng cuối quý."),
    ReasonCode.resubmission: (
        "Hồ sơ này thay thế hồ sơ đơn vị đã gửi trước đó cho cùng gương điển hình trong quý; hồ sơ cũ "
        "vẫn được lưu lại để đối chiếu."),
    ReasonCode.duplicate_message: (
        "Thư trùng lặp: thư này đã được nhận và xử lý trước đó, không ghi nhận và không trả lời lại."),
    ReasonCode.auto_reply: "Thư trả lời tự động (vắng mặt, thông báo tự động): bỏ qua, không trả lời.",
    ReasonCode.bounce: "Thư báo lỗi chuyển phát (thư không đến được người nhận): bỏ qua, không trả lời.",
    ReasonCode.own_address: "Thư gửi từ chính địa chỉ của hệ thống: bỏ qua để tránh vòng lặp thư.",
    ReasonCode.mailing_list: "Thư từ danh sách thư (mailing list) hoặc thư hàng loạt: bỏ qua, không trả lời.",
    ReasonCode.archive_bomb: (
        "Tệp nén có dấu hiệu nguy hiểm (số tệp hoặc dung lượng khi giải nén vượt giới hạn): thư được "
        "cách ly, không giải nén, chờ quản trị viên kiểm tra."),
    ReasonCode.read_by_ocr: (
        "Hồ sơ là bản scan hoặc ảnh chụp văn bản nên hệ thống đã nhận dạng chữ tự động; chữ nhận dạng "
        "có thể sai sót, nhất là họ tên, dấu tiếng Việt và chữ số. Đề nghị đơn vị kiểm tra kỹ họ và "
        "tên, đối tượng, chức vụ, đơn vị công tác, cấp học và tóm tắt thành tích của từng gương điển "
        "hình nêu trên; nếu có sai sót, đơn vị trả lời thư này và gửi kèm tệp Word, Excel hoặc PDF "
        "bản gốc (không phải bản scan) để Sở cập nhật."),
}

# A short title per reason, for headings and tables.
REASON_TITLE: dict[ReasonCode, str] = {
    ReasonCode.unknown_sender: "Địa chỉ gửi chưa đăng ký",
    ReasonCode.no_nomination: "Không tìm thấy gương điển hình",
    ReasonCode.missing_name: "Thiếu họ và tên",
    ReasonCode.missing_category: "Thiếu đối tượng",
    ReasonCode.missing_summary: "Thiếu tóm tắt thành tích",
    ReasonCode.missing_evidence: "Thiếu minh chứng",
    ReasonCode.missing_school_level: "Thiếu cấp học",
    ReasonCode.unreadable_attachment: "Tệp bị lỗi, không mở được",
    ReasonCode.encrypted_attachment: "Tệp có mật khẩu",
    ReasonCode.unsupported_attachment: "Định dạng tệp chưa hỗ trợ",
    ReasonCode.attachment_too_large: "Tệp quá dung lượng",
    ReasonCode.legacy_encoding_converted: "Đã chuyển phông chữ cũ sang Unicode",
    ReasonCode.late: "Nộp muộn",
    ReasonCode.quota_short: "Chưa đủ chỉ tiêu của quý",
    ReasonCode.resubmission: "Hồ sơ gửi lại, thay thế hồ sơ trước",
    ReasonCode.duplicate_message: "Thư trùng lặp",
    ReasonCode.auto_reply: "Thư trả lời tự động",
    ReasonCode.bounce: "Thư báo lỗi chuyển phát",
    ReasonCode.own_address: "Thư từ địa chỉ của hệ thống",
    ReasonCode.mailing_list: "Thư từ danh sách thư",
    ReasonCode.archive_bomb: "Tệp nén nguy hiểm",
    ReasonCode.read_by_ocr: "Đọc từ bản scan, ảnh chụp (cần kiểm tra lại)",
}

# Codes that only staff see: a unit is never told about them.
STAFF_ONLY: frozenset[ReasonCode] = frozenset({
    ReasonCode.duplicate_message, ReasonCode.auto_reply, ReasonCode.bounce, ReasonCode.own_address,
    ReasonCode.mailing_list, ReasonCode.archive_bomb,
})

# Codes whose `detail` is the exemplar's name, as the pipeline writes it.
NAMED_DETAIL: frozenset[ReasonCode] = frozenset({
    ReasonCode.missing_name, ReasonCode.missing_category, ReasonCode.missing_summary,
    ReasonCode.missing_evidence, ReasonCode.missing_school_level,
})


# A reading problem's technical detail (English, for the logs) said for the unit, by what it means.
_READING_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.I), t) for p, t in (
    (r"S/MIME encrypted mail", (
        "chính thư này đã được mã hóa bằng chứng thư số nên hệ thống không đọc được nội dung thư và các "
        "tệp đính kèm. Đề nghị đơn vị gửi lại thư không mã hóa: khi soạn thư, tắt chức năng mã hóa thư "
        "(vẫn có thể giữ chữ ký số của thư)")),
    (r"mail structure unreadable", (
        "cấu trúc của thư bị hỏng hoặc lồng nhiều lớp thư chuyển tiếp nên hệ thống không đọc được nội "
        "dung. Đề nghị đơn vị soạn thư mới, đính kèm trực tiếp các tệp hồ sơ rồi gửi lại")),
    (r"password|encrypt", "tệp được đặt mật khẩu nên không mở được"),
    (r"old Word/OLE file named as \.docx", "tệp Word cũ (.doc) được đổi tên thành .docx"),
    (r"time|budget|too long|took", "tệp quá phức tạp, hệ thống không đọc xong trong thời gian cho phép"),
    (r"too many|limit|pages|paragraphs|parts", "tệp quá lớn hoặc quá nhiều trang để đọc tự động"),
    (r"memory", "tệp quá lớn để đọc tự động"),
    (r"damaged|truncated|broken|corrupt|not a |no converter|unreadable|cannot",
     "tệp bị hỏng hoặc không đầy đủ (thường do tải xuống, nén hoặc đổi tên chưa đúng)"),
))


def reading_problem_text(detail: str | None) -> str | None:
    """What a parser's detail means for the unit, in Vietnamese; None when it adds nothing to the title."""
    if detail and not detail.isascii():
        return detail  # already written for the unit (the reading budgets' details are)
    for pattern, said in _READING_PROBLEMS:
        if detail and pattern.search(detail):
            return said
    return None


def detail_text(code: str, detail: str | None) -> str | None:
    """A reason's detail as a person reads it (the unit's reply, the staff's pages); None when the
    detail is internal (a folded name key, a parser's English with no known meaning)."""
    if not detail:
        return None
    if code in NAMED_DETAIL:
        return f"Gương điển hình: {detail}"
    if code == ReasonCode.attachment_too_large:
        # A byte count (a file or the mail too big), or a sentence already written for the unit
        # (too many files in one mail).
        return f"Dung lượng tệp: {size_text(detail)}" if detail.isdigit() else detail
    if code == ReasonCode.quota_short:
        return "Cấp học còn thiếu: " + ", ".join(level_text(lv.strip()) for lv in detail.split(","))
    if code in {ReasonCode.unreadable_attachment, ReasonCode.encrypted_attachment,
                ReasonCode.unsupported_attachment}:
        said = reading_problem_text(detail)
        return f"Cụ thể: {said}" if said else None
    return None  # e.g. resubmission: its detail is an internal key


# -- sender authentication and reply caps: the details staff read in the log and on the web --------
MALFORMED_FROM = (
    "Tiêu đề người gửi (From) không chứa đúng một địa chỉ thư điện tử hợp lệ (có nhiều địa chỉ, sai cú "
    "pháp hoặc để trống): không xác định được người gửi, hệ thống không trả lời thư này.")

AUTH_RESULT_TEXT: dict[str, str] = {
    "pass": "đạt", "fail": "không đạt", "softfail": "không đạt (mức cảnh báo)",
    "quarantine": "không đạt (chủ tên miền yêu cầu cách ly)", "reject": "không đạt (chủ tên miền yêu cầu từ chối)",
    "none": "không có", "neutral": "không kết luận", "policy": "không đạt theo chính sách",
    "temperror": "lỗi tạm thời khi kiểm tra", "permerror": "lỗi cấu hình của tên miền",
    "bestguesspass": "không có bản ghi DMARC",
}


def _check_text(name: str, result: str | None, domain: str | None) -> str:
    said = AUTH_RESULT_TEXT.get(result or "none", "kết quả khác")
    return f"{name}: {said}" + (f" (tên miền {domain})" if domain and result == "pass" else "")


def authentication_text(auth: Authentication) -> str:
    """Why a mail is not taken for its From address, from our receiving server's verdict."""
    checks = "; ".join([_check_text("DMARC", auth.dmarc, None), _check_text("SPF", auth.spf, auth.spf_domain),
                        _check_text("DKIM", auth.dkim, auth.dkim_domain)])
    domain = auth.from_domain or "không rõ"
    if auth.verdict == Verdict.failed:
        return (f"Máy chủ nhận thư của Sở xác thực người gửi KHÔNG ĐẠT đối với tên miền {domain} ({checks}): "
                "địa chỉ người gửi có thể bị giả mạo, thư không được coi là của đơn vị và không được trả lời.")
    return (f"Máy chủ nhận thư của Sở không xác thực được thư do tên miền {domain} gửi ({checks}): thư chưa "
            "được coi là của đơn vị, chờ cán bộ xác minh.")


def reply_cap_text(sent: int, cap: int, per_day: bool) -> str:
    """Why a mail was not answered: the address reached the reply cap (a loop between robots)."""
    if per_day:
        return (f"Đã gửi {sent} thư trả lời tới địa chỉ này trong 24 giờ qua (giới hạn {cap} thư mỗi ngày): "
                "không trả lời thêm để tránh vòng lặp thư.")
    return (f"Thư trả lời thư của hệ thống; đã gửi {sent} thư trả lời tới địa chỉ này trong 1 giờ qua "
            f"(giới hạn {cap} thư mỗi giờ): không trả lời thêm để tránh vòng lặp thư.")
def _seconds(seconds: float) -> str:
    return f"{seconds:g}".replace(".", ",")


def document_overrun(seconds: float) -> str:
    """The detail of an attachment whose reading overran its time budget (a unit reads it)."""
    return (f"Tệp có cấu trúc quá phức tạp nên hệ thống không đọc xong trong thời gian cho phép "
            f"({_seconds(seconds)} giây).")


def document_memory_overrun() -> str:
    """The detail of an attachment whose reading exceeded the memory allowed (a unit reads it)."""
    return "Tệp cần quá nhiều bộ nhớ để đọc nên hệ thống không đọc được."


def mail_overrun(seconds: float) -> str:
    """Why a mail whose whole reading overran its budget was quarantined (staff read it)."""
    return (f"Việc đọc thư vượt quá thời gian cho phép ({_seconds(seconds)} giây) nên đã bị dừng; thư "
            "được cách ly, không xử lý tự động, chờ quản trị viên kiểm tra.")


def mail_memory_overrun(megabytes: int) -> str:
    """Why a mail whose reading killed its reader (most often its memory limit) was quarantined."""
    return (f"Việc đọc thư làm dừng tiến trình đọc thư (thường do vượt quá bộ nhớ cho phép, {megabytes} "
            "MB); thư được cách ly, không xử lý tự động, chờ quản trị viên kiểm tra.")


def document_too_complex(limit: int) -> str:
    """The detail of a document with more paragraphs, tables or cells than is read (a unit reads it)."""
    count = f"{limit:,}".replace(",", ".")  # Vietnamese thousands separator
    return f"Tệp có quá nhiều đoạn văn, bảng hoặc ô (trên {count} thành phần) nên hệ thống không đọc."


def too_many_files(count: int, limit: int) -> str:
    """The detail of a mail refused for its number of files (a unit reads it)."""
    return f"{count} tệp đính kèm trong một thư, vượt quá giới hạn {limit} tệp; đề nghị chia thành nhiều thư."
