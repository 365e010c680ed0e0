"""Settings of the Sở's side: when digests and reminders go out, where reports are written, who signs."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class ReportSettings(BaseModel):
    """The [reports] section of config.toml; every key has a default."""

    model_config = ConfigDict(extra="forbid")

    digest_hour: int = Field(default=7, ge=0, le=23)  # local hour the staff digest goes out
    digest_weekday: str = "mon"  # outside a submission window the digest is weekly, on this day
    reminder_days: list[int] = Field(default_factory=lambda: [3])  # days before the 20th
    reminder_hour: int = Field(default=8, ge=0, le=23)
    report_day: int = Field(default=21, ge=21, le=28)  # day of the quarter's last month: window closed
    report_hour: int = Field(default=8, ge=0, le=23)
    web_url: str = ""  # the web log's address as staff open it (e.g. https://dhtt.example.vn): staff mails link there
    report_dir: Path = Path("var/reports")  # quarterly and period reports, relative to config.toml
    site_dir: Path = Path("var/site")  # `dhtt publish` writes the public site here, relative to config.toml
    site_url: str = ""  # the site's address on the portal: the Atom feed's links are absolute with it
    misfire_grace_hours: int = Field(default=72, ge=1)  # a job missed while down still runs once
    agency_parent: str = "UBND TỈNH NINH BÌNH"
    agency: str = "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    number_suffix: str = "DS-SGDĐT"  # "Số: …/DS-SGDĐT", the number itself is filled in by the văn thư
    place: str = "Ninh Bình"
    signer_authority: str = "KT. GIÁM ĐỐC"  # "" when the Giám đốc signs in person
    signer_title: str = "PHÓ GIÁM ĐỐC"
    signer_name: str = ""  # left blank for the signer to write in
    copies_to: list[str] = Field(default_factory=lambda: [
        "Hội đồng Thi đua - Khen thưởng Sở (để b/c);", "Ban Giám đốc Sở;", "Lưu: VT, VP."])
