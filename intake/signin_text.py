"""What each sign-in failure means for the Sở's IT staff, in Vietnamese (alerts, web, CLI)."""

from __future__ import annotations

CAUSE_TEXT: dict[str, str] = {
    "password_refused": "Máy chủ thư từ chối tên đăng nhập hoặc mật khẩu. Đề nghị kiểm tra lại mật khẩu trong biến môi trường đã cấu hình.",
    "password_not_offered": "Máy chủ thư không cho đăng nhập bằng mật khẩu. Đề nghị chuyển sang đăng nhập OAuth2 (auth = \"oauth2\") theo tài liệu hướng dẫn.",
    "token_refused": "Máy chủ thư từ chối mã truy cập dù vừa được cấp mới. Đề nghị kiểm tra quyền của ứng dụng đối với hộp thư và tên hộp thư đã cấu hình.",
    "invalid_client": "Nhà cung cấp đăng nhập không chấp nhận ứng dụng: mã ứng dụng, khóa bí mật hoặc chứng thư số không đúng. Đề nghị kiểm tra lại trong trang quản trị ứng dụng.",
    "secret_expired": "Khóa bí mật của ứng dụng đã hết hạn. Đề nghị tạo khóa mới trong trang quản trị ứng dụng và cập nhật vào máy chủ.",
    "invalid_grant": "Quyền truy cập đã cấp trước đây không còn hiệu lực (bị thu hồi, hết hạn hoặc mật khẩu tài khoản đã đổi). Đề nghị đăng nhập lại bằng lệnh dhtt auth login.",
    "consent_required": "Ứng dụng chưa được quản trị viên cấp quyền truy cập hộp thư. Đề nghị cấp quyền trong trang quản trị ứng dụng.",
    "tenant_not_found": "Không tìm thấy tổ chức (tenant) đã cấu hình. Đề nghị kiểm tra mục tenant trong tệp cấu hình.",
    "mailbox_permission": "Ứng dụng chưa được cấp quyền truy cập hộp thư này. Đề nghị cấp quyền cho ứng dụng trên hộp thư.",
    "smtp_auth_disabled": "Hộp thư chưa được bật gửi thư qua SMTP có xác thực. Đề nghị bật SMTP AUTH cho hộp thư này.",
    "provider_unreachable": "Không liên lạc được với nhà cung cấp đăng nhập. Hệ thống sẽ tự thử lại; nếu kéo dài, đề nghị kiểm tra kết nối mạng.",
    "not_signed_in": "Hệ thống chưa được đăng nhập vào hộp thư. Đề nghị chạy lệnh dhtt auth login.",
    "config": "Cấu hình đăng nhập OAuth2 còn thiếu hoặc sai. Đề nghị kiểm tra mục [oauth2] trong tệp cấu hình.",
}


def cause_text(cause: str | None) -> str:
    return CAUSE_TEXT.get(cause or "", "Không đăng nhập được vào hộp thư.")
