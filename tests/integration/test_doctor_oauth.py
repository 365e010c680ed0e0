"""`dhtt doctor` against an OAuth2-only mailbox: all ✓ when the grant is good, one line saying what to
do when the grant was revoked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from intake.tokens import Grant, GrantStore
from tests.integration.oauth_rig import *  # noqa: F403 - the rig's fixtures
from tests.integration.oauth_rig import OAuthAccount, write_oauth_config, write_secret

DHTT = str(Path(sys.executable).with_name("dhtt"))


def _doctor(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DHTT, "doctor", "--config", str(config)], capture_output=True, text=True,
                          env=os.environ, timeout=180)


def _signed_in(account: OAuthAccount, database_url: str, tmp: Path) -> Path:
    write_secret(account, tmp)
    GrantStore(tmp / "oauth2" / "grant.json").save(
        Grant(provider="generic", flow="refresh_token", refresh_token=account.idp.consent(account.client_id)))
    return write_oauth_config(tmp / "config.toml", account, database_url, tmp, flow="refresh_token")


def test_doctor_passes_on_a_healthy_oauth2_setup(oauth_account, database_url, tmp_path):  # type: ignore[no-untyped-def]
    result = _doctor(_signed_in(oauth_account, database_url, tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗" not in result.stdout and result.stdout.count("✓") >= 10
    assert oauth_account.secret not in result.stdout + result.stderr


def test_doctor_names_a_revoked_grant_in_one_line(oauth_account, database_url, tmp_path):  # type: ignore[no-untyped-def]
    config = _signed_in(oauth_account, database_url, tmp_path)
    oauth_account.idp.revoke_all()
    result = _doctor(config)
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if "✗" in line]
    assert failed, result.stdout
    said = result.stdout[result.stdout.index(failed[0]):]
    assert "dhtt auth login" in said.split("\n", 2)[0] + said.split("\n", 2)[1]
