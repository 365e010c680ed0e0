"""The Vietnamese words of the web pages' tables: reply kinds and states, roles, file roles, events,
the fields staff may correct."""

from __future__ import annotations

REPLY_KIND_TEXT = {"ack": "Thư xác nhận tiếp nhận", "rejection": "Thư trả lại hồ sơ",
                   "pending": "Thư báo chờ xác minh", "alert": "Thư cảnh báo", "digest": "Thư tổng hợp",
                   "reminder": "Thư nhắc", "report": "Thư gửi báo cáo",
                   "council": "Thư thông báo kết quả xét chọn, khen thưởng", "none": "Không trả lời"}
REPLY_STATUS_TEXT = {"queued": "chờ gửi", "sending": "đang gửi", "sent": "đã gửi", "failed": "gửi không được"}
ROLE_TEXT = {"admin": "Quản trị viên", "viewer": "Người xem"}
FILE_ROLE_TEXT = {"document": "tài liệu hồ sơ", "evidence": "minh chứng", "archive": "tệp nén",
                  "unreadable": "không đọc được"}
EVENT_TEXT = {
    "recorded": "Ghi nhận thư vào hệ thống", "decided": "Phân loại thư", "failed": "Xử lý lỗi",
    "quarantined": "Cách ly thư", "moved": "Chuyển thư khỏi hộp thư đến", "reply_queued": "Đưa thư trả lời vào hàng đợi",
    "reply_sending": "Đang gửi thư trả lời", "reply_sent": "Đã gửi thư trả lời", "reply_failed": "Gửi thư trả lời không được",
    "uid_changed": "Máy chủ thư đánh số lại thư", "reprocessed": "Xử lý lại", "released": "Giải phóng khỏi cách ly",
    "unit_attached": "Gán thư cho đơn vị", "field_corrected": "Sửa thông tin gương điển hình",
}
FIELD_TEXT = {"name": "Họ và tên / tên tập thể", "kind": "Loại", "category": "Đối tượng", "position": "Chức vụ",
              "workplace": "Đơn vị công tác", "school_level": "Cấp học", "birth_date": "Ngày sinh",
              "gender": "Giới tính", "summary": "Tóm tắt thành tích", "innovations": "Sáng kiến, sản phẩm đổi mới",
              "awards": "Khen thưởng đã nhận"}
