"""Pure parts of OAuth2 sign-in: configuration checks, error causes, the grant file, the token cache."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from intake.errors import SignInFailed
from intake.oauth_providers import classify, error_answer
from intake.signin import sasl_payload
from intake.signin_text import CAUSE_TEXT
from intake.tokens import Grant, GrantStore, TokenResponse, TokenSource
from settings import ConfigError, parse_settings

OAUTH_IMAP = {"imap": {"auth": "oauth2"}}


@pytest.mark.parametrize(("data", "message"), [
    (OAUTH_IMAP, "lỗi cấu hình: oauth2.client_id: cần khai báo khi dùng auth = \"oauth2\""),
    ({**OAUTH_IMAP, "oauth2": {"client_id": "a", "provider": "generic"}},
     "lỗi cấu hình: oauth2.token_url: cần khai báo với provider = \"generic\" (địa chỉ cấp mã truy cập)"),
    ({**OAUTH_IMAP, "oauth2": {"client_id": "a"}},
     "lỗi cấu hình: oauth2.tenant: cần khai báo với provider = \"microsoft\" (mã hoặc tên miền của tổ chức)"),
    ({"smtp": {"auth": "oauth2"}, "oauth2": {"client_id": "a", "tenant": "moet.edu.vn"}},
     "lỗi cấu hình: smtp.user: cần khai báo khi smtp.auth = \"oauth2\" (địa chỉ hộp thư gửi thư trả lời)"),
    ({"oauth2": {"provider": "google", "flow": "device_code"}},
     "lỗi cấu hình: oauth2: flow “device_code” không dùng được với provider “google” (chỉ có: authorization_code)"),
    ({"imap": {"auth": "token"}}, "lỗi cấu hình: imap.auth: chỉ nhận một trong các giá trị 'password', 'oauth2'"),
    ({"imap": {"sasl_mechanism": "plain"}},
     "lỗi cấu hình: imap.sasl_mechanism: chỉ nhận một trong các giá trị 'xoauth2', 'oauthbearer'"),
    ({"oauth2": {"secret": "x"}},
     "lỗi cấu hình: oauth2.secret: khóa này không có trong cấu hình của dhtt (kiểm tra lại tên khóa)"),
])
def test_wrong_or_missing_keys_stop_startup_with_one_line(data, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as caught:
        parse_settings(data, Path("."))
    assert str(caught.value) == message


def test_password_stays_the_default() -> None:
    settings = parse_settings({}, Path("."))
    assert (settings.imap.auth, settings.smtp.auth, settings.uses_oauth2) == ("password", "password", False)


def test_microsoft_app_only_configuration_is_accepted() -> None:
    settings = parse_settings({"imap": {"auth": "oauth2"}, "smtp": {"auth": "oauth2", "user": "a@moet.edu.vn"},
                               "oauth2": {"tenant": "moet.edu.vn", "client_id": "id", "secret_expires": "2027-06-30",
                                          "secret_file": ""}}, Path("."))
    assert settings.oauth2.secret_expires is not None and settings.oauth2.secret_file is None


@pytest.mark.parametrize(("error", "description", "cause"), [
    ("invalid_client", "AADSTS7000222: The provided client secret keys for app 'x' are expired.", "secret_expired"),
    ("invalid_client", "AADSTS7000215: Invalid client secret provided.", "invalid_client"),
    ("unauthorized_client", "AADSTS700016: Application with identifier 'x' was not found", "invalid_client"),
    ("invalid_request", "AADSTS90002: Tenant 'moet.edu.vn' not found.", "tenant_not_found"),
    ("invalid_grant", "AADSTS65001: The user or administrator has not consented", "consent_required"),
    ("invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked", "invalid_grant"),
    ("invalid_grant", "Token has been expired or revoked.", "invalid_grant"),
    ("invalid_client", "The OAuth client was not found.", "invalid_client"),
    ("temporarily_unavailable", "", "provider_unreachable"),
    ("interaction_required", "", "consent_required"),
])
def test_provider_errors_are_named_by_cause(error: str, description: str, cause: str) -> None:
    assert classify(error, description) == cause


def test_every_cause_has_vietnamese_advice() -> None:
    assert set(CAUSE_TEXT) == set(SignInFailed.CAUSES)


def test_error_without_json_is_provider_unreachable() -> None:
    assert error_answer({}, 502).cause == "provider_unreachable"


def test_sasl_payloads() -> None:
    assert sasl_payload("xoauth2", "a@b.vn", "T") == "user=a@b.vn\x01auth=Bearer T\x01\x01"
    assert sasl_payload("oauthbearer", "a,b=@c.vn", "T") == "n,a=a=2Cb=3D@c.vn,\x01auth=Bearer T\x01\x01"


def test_grant_file_is_private_and_replaced_whole(tmp_path: Path) -> None:
    store = GrantStore(tmp_path / "oauth2" / "grant.json")
    store.save(Grant(provider="generic", flow="refresh_token", refresh_token="one"))
    store.save(Grant(provider="generic", flow="refresh_token", refresh_token="two"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert not [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]  # none left behind
    loaded = store.load()
    assert loaded is not None and loaded.refresh_token == "two"
    assert store.forget() and store.load() is None and not store.forget()


class _Provider:
    """A token endpoint stand-in for the cache's arithmetic: answers in order, records what it saw."""

    def __init__(self, store: GrantStore, lifetime: float = 100) -> None:
        self.store, self.lifetime, self.calls, self.fail = store, lifetime, 0, False
        self.seen_on_disk: list[str | None] = []

    def fetch(self, grant: Grant | None) -> TokenResponse:
        if self.fail:
            raise SignInFailed("provider_unreachable", "down")
        self.calls += 1
        return TokenResponse(access_token=f"at{self.calls}", expires_in=self.lifetime, refresh_token=f"rt{self.calls}")


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _source(tmp_path: Path, lifetime: float = 100) -> tuple[TokenSource, _Provider, _Clock]:
    store = GrantStore(tmp_path / "grant.json")
    store.save(Grant(provider="generic", flow="refresh_token", refresh_token="rt0"))
    provider, clock = _Provider(store, lifetime), _Clock()
    return TokenSource("generic", "refresh_token", provider, store, "a@b.vn", clock=clock), provider, clock


def test_access_token_is_cached_until_shortly_before_expiry(tmp_path: Path) -> None:
    source, provider, clock = _source(tmp_path, lifetime=3600)
    assert source.token() == "at1"
    clock.now += timedelta(seconds=3600 - 61)
    assert source.token() == "at1"
    clock.now += timedelta(seconds=2)  # inside the 60 s margin
    assert source.token() == "at2"
    assert source.token(fresh=True) == "at3"  # a refused token is replaced at once


def test_short_tokens_are_refreshed_at_half_life(tmp_path: Path) -> None:
    source, provider, clock = _source(tmp_path, lifetime=20)
    source.token()
    clock.now += timedelta(seconds=9)
    assert source.token() == "at1"
    clock.now += timedelta(seconds=2)
    assert source.token() == "at2"


def test_rotated_refresh_token_is_on_disk_when_the_access_token_is_handed_out(tmp_path: Path) -> None:
    source, provider, clock = _source(tmp_path)
    assert source.token() == "at1"
    grant = source.store.load()
    assert grant is not None and grant.refresh_token == "rt1" and grant.last_refresh == clock.now
    assert grant.access_expires == clock.now + timedelta(seconds=100)


def test_failed_refresh_keeps_a_still_valid_token_and_reports_the_failure(tmp_path: Path) -> None:
    source, provider, clock = _source(tmp_path, lifetime=100)
    source.token()
    provider.fail = True
    clock.now += timedelta(seconds=60)  # due for refresh, still valid
    assert source.token() == "at1"
    assert source.failure is not None and source.failure.cause == "provider_unreachable"
    clock.now += timedelta(seconds=50)  # expired
    with pytest.raises(SignInFailed):
        source.token()
    provider.fail = False
    assert source.token() == "at2" and source.failure is None


def test_token_text_never_in_errors_or_reprs() -> None:
    answer = TokenResponse(access_token="SECRET-AT", expires_in=5, refresh_token="SECRET-RT")
    grant = Grant(provider="generic", flow="refresh_token", refresh_token="SECRET-RT", msal_cache="SECRET-C")
    assert not any("SECRET" in text for text in (repr(answer), str(answer), repr(grant), str(grant)))


def test_no_stored_grant_is_not_signed_in(tmp_path: Path) -> None:
    source = TokenSource("generic", "refresh_token", _Provider(GrantStore(tmp_path / "g.json")),
                         GrantStore(tmp_path / "g.json"), None)
    with pytest.raises(SignInFailed) as caught:
        source.token()
    assert caught.value.cause == "not_signed_in"


def test_concurrent_callers_share_one_refresh(tmp_path: Path) -> None:
    source, provider, _ = _source(tmp_path)
    threads = [threading.Thread(target=source.token) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert provider.calls == 1


class _RotatingEndpoint:
    """Accepts each refresh token once, as Microsoft does; records a reuse."""

    def __init__(self) -> None:
        self.valid, self.reused, self.n, self.lock = {"rt0"}, 0, 0, threading.Lock()

    def fetch(self, grant: Grant | None) -> TokenResponse:
        assert grant is not None
        with self.lock:
            if grant.refresh_token not in self.valid:
                self.reused += 1
                raise SignInFailed("invalid_grant", "reused")
            self.valid.discard(grant.refresh_token)
            self.n += 1
            self.valid.add(f"rt{self.n}")
            return TokenResponse(access_token=f"at{self.n}", expires_in=100, refresh_token=f"rt{self.n}")


def test_two_workers_sharing_a_grant_file_never_spend_a_refresh_token_twice(tmp_path: Path) -> None:
    store = GrantStore(tmp_path / "grant.json")
    store.save(Grant(provider="generic", flow="refresh_token", refresh_token="rt0"))
    endpoint = _RotatingEndpoint()
    sources = [TokenSource("generic", "refresh_token", endpoint, GrantStore(store.path), None) for _ in range(4)]
    threads = [threading.Thread(target=lambda s=s: [s.token(fresh=True) for _ in range(5)]) for s in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert endpoint.reused == 0 and endpoint.n == 20
    loaded = store.load()
    assert loaded is not None and loaded.refresh_token == "rt20"
