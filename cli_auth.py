"""`dhtt auth login|status|logout`: sign the service in once, see the grant, forget it (Vietnamese output)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from cli_common import CONFIG_OPTION, settings_or_exit
from domain.wording import moment_text
from intake.errors import SignInFailed
from intake.oauth_providers import (GOOGLE_AUTH_URL, GOOGLE_TOKEN_URL, MicrosoftProvider, classify, error_answer,
                                    read_secret, scopes)
from intake.signin import token_source
from intake.signin_text import cause_text
from intake.tokens import Grant, GrantStore
from settings import Settings

app = typer.Typer(help="Đăng nhập OAuth2 của hệ thống vào hộp thư: đăng nhập, xem tình trạng, xóa quyền đã lưu.",
                  no_args_is_help=True, add_completion=False)
PROVIDER_TEXT = {"microsoft": "Microsoft 365", "google": "Google Workspace", "generic": "máy chủ OAuth2 khác"}
FLOW_TEXT = {"client_credentials": "quyền của ứng dụng, không cần người đăng nhập",
             "device_code": "người dùng đăng nhập bằng mã thiết bị",
             "authorization_code": "người dùng đồng ý trên trang đăng nhập của Google",
             "refresh_token": "mã làm mới (refresh token) được cấp sẵn"}


def _oauth_settings(config: Path) -> Settings:
    settings = settings_or_exit(config)
    if not settings.uses_oauth2:
        typer.echo("Cấu hình hiện dùng mật khẩu (auth = \"password\") cho cả IMAP và SMTP; không cần đăng nhập OAuth2.")
        raise typer.Exit(0)
    return settings


def _store(settings: Settings) -> GrantStore:
    return GrantStore(settings.path(settings.oauth2.token_file))


def _fail(err: SignInFailed) -> None:
    typer.echo(f"Không đăng nhập được: {cause_text(err.cause)}", err=True)
    raise typer.Exit(1)


@app.command()
def login(config: Path = CONFIG_OPTION,
          paste: bool = typer.Option(False, "--paste", help="Google: dán địa chỉ trả về thay vì nhận qua cổng nội bộ (máy chủ không có trình duyệt).")) -> None:
    """Đăng nhập một lần; quyền truy cập được lưu để hệ thống tự gia hạn về sau."""
    settings = _oauth_settings(config)
    o = settings.oauth2
    try:
        if o.flow == "device_code":
            _save(settings, _device_code(settings))
        elif o.flow == "authorization_code":
            _save(settings, _google_consent(settings, paste))
        elif o.flow == "refresh_token":
            _save(settings, _pasted_refresh_token(settings))
        else:
            typer.echo("Cấu hình dùng quyền của ứng dụng (client credentials): không cần người đăng nhập.")
        token_source(settings).token(fresh=True)  # proves the grant works, and stores any rotation
    except SignInFailed as err:
        _fail(err)
    typer.echo(f"Đăng nhập thành công. Quyền truy cập được lưu tại {_store(settings).path}.")


def _save(settings: Settings, grant: Grant) -> None:
    _store(settings).save(grant)


def _device_code(settings: Settings) -> Grant:
    import msal

    provider = MicrosoftProvider(settings.oauth2, lambda: None, lambda: None)
    cache = msal.SerializableTokenCache()
    app_ = provider.app(cache)
    flow = app_.initiate_device_flow(scopes=scopes(settings.oauth2))
    if "user_code" not in flow:
        raise SignInFailed("config", str(flow.get("error_description", "device flow refused")).splitlines()[0])
    minutes = int(flow.get("expires_in", 900)) // 60
    typer.echo(f"Mở địa chỉ {flow['verification_uri']} trên một máy có trình duyệt, nhập mã {flow['user_code']}, "
               f"rồi đăng nhập bằng tài khoản hộp thư {settings.imap.user}. Mã có hiệu lực trong {minutes} phút.")
    typer.echo("Đang chờ đăng nhập…")
    result = app_.acquire_token_by_device_flow(flow)
    if "access_token" not in result:
        raise error_answer(result)
    account = (result.get("id_token_claims") or {}).get("preferred_username")
    return Grant(provider="microsoft", flow="device_code", account=account, msal_cache=cache.serialize())


def _google_consent(settings: Settings, paste: bool) -> Grant:
    import requests
    from google_auth_oauthlib.flow import InstalledAppFlow
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error

    o = settings.oauth2
    client = {"installed": {"client_id": o.client_id, "client_secret": read_secret(o, settings.path) or "",
                            "auth_uri": GOOGLE_AUTH_URL, "token_uri": o.token_url or GOOGLE_TOKEN_URL}}
    flow = InstalledAppFlow.from_client_config(client, scopes=scopes(o))
    try:
        _run_consent(flow, settings, paste)
    except OAuth2Error as err:
        raise SignInFailed(classify(err.error, err.description or ""), f"{err.error}: {err.description}") from None
    except requests.RequestException as err:
        raise SignInFailed("provider_unreachable", type(err).__name__) from None
    credentials: Any = flow.credentials
    if not credentials.refresh_token:
        raise SignInFailed("consent_required", "Google returned no refresh token")
    return Grant(provider="google", flow="authorization_code", account=settings.imap.user,
                 refresh_token=credentials.refresh_token)


def _run_consent(flow: Any, settings: Settings, paste: bool) -> None:
    if paste:
        # Google no longer offers an out-of-band code: the browser is sent to a loopback address
        # that nothing answers, and the person pastes that address (it holds the code) here.
        flow.redirect_uri = "http://127.0.0.1:1/"
        url, _ = flow.authorization_url(access_type="offline", prompt="consent")
        typer.echo(f"Mở địa chỉ sau trong trình duyệt và đăng nhập bằng tài khoản {settings.imap.user}:\n{url}")
        answer = typer.prompt("Trình duyệt sẽ báo không mở được trang; dán toàn bộ địa chỉ trên thanh địa chỉ vào đây")
        code = _code_from(answer.strip())
        flow.fetch_token(code=code)
    else:
        flow.run_local_server(port=0, open_browser=False, authorization_prompt_message=(
            "Mở địa chỉ sau trong trình duyệt trên chính máy này và đăng nhập: {url}"),
            success_message="Đã đăng nhập xong, có thể đóng cửa sổ này.", access_type="offline", prompt="consent")


def _code_from(answer: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(answer).query) if "://" in answer else {}
    return query.get("code", [answer])[0]


def _pasted_refresh_token(settings: Settings) -> Grant:
    if sys.stdin.isatty():
        token = typer.prompt("Dán mã làm mới (refresh token) do nhà cung cấp cấp", hide_input=True)
    else:
        token = sys.stdin.readline()
    if not token.strip():
        raise SignInFailed("not_signed_in", "no refresh token given")
    return Grant(provider=settings.oauth2.provider, flow="refresh_token", account=settings.imap.user,
                 refresh_token=token.strip())


@app.command()
def status(config: Path = CONFIG_OPTION) -> None:
    """Nhà cung cấp, tài khoản, hạn của mã truy cập và lần gia hạn gần nhất."""
    settings = _oauth_settings(config)
    o = settings.oauth2
    try:
        grant = _store(settings).load()
    except SignInFailed as err:
        _fail(err)
    typer.echo(f"Nhà cung cấp: {PROVIDER_TEXT[o.provider]} ({FLOW_TEXT[o.flow]})")
    typer.echo(f"Hộp thư: {settings.imap.user if settings.imap.auth == 'oauth2' else settings.smtp.user}")
    if grant is None:
        needs = o.flow != "client_credentials"
        typer.echo("Chưa đăng nhập: chạy lệnh dhtt auth login." if needs else "Chưa lấy mã truy cập lần nào.")
        raise typer.Exit(1 if needs else 0)
    typer.echo(f"Tài khoản đã đăng nhập: {grant.account or 'không rõ'}")
    typer.echo(f"Lần gia hạn gần nhất: {moment_text(grant.last_refresh) if grant.last_refresh else 'chưa có'}")
    if grant.access_expires:
        state = "còn hiệu lực" if grant.access_expires > datetime.now(UTC) else "đã hết hạn, sẽ được gia hạn khi cần"
        typer.echo(f"Mã truy cập gần nhất hết hạn lúc: {moment_text(grant.access_expires)} ({state})")
    if o.secret_expires:
        typer.echo(f"Khóa bí mật của ứng dụng hết hạn ngày: {o.secret_expires.strftime('%d/%m/%Y')}")


@app.command()
def logout(config: Path = CONFIG_OPTION) -> None:
    """Xóa quyền truy cập đã lưu trên máy này; hệ thống sẽ cần đăng nhập lại."""
    settings = _oauth_settings(config)
    if _store(settings).forget():
        typer.echo(f"Đã xóa quyền truy cập đã lưu tại {_store(settings).path}. "
                   "Muốn thu hồi hẳn, quản trị viên thu hồi quyền của ứng dụng trên trang quản trị của nhà cung cấp.")
    else:
        typer.echo("Không có quyền truy cập nào được lưu trên máy này.")
