"""What every `dhtt` command does first: read the configuration and open the store, or say in one
line why it cannot (messages for operators are Vietnamese)."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.engine import Engine

from domain.units import UnitDirectory
from settings import ConfigError, Settings, load_settings
from store.db import database_exists, open_database
from store.errors import StoreError
from store.units import load_units

CONFIG_OPTION = typer.Option(Path("config.toml"), "--config", "-c", help="Đường dẫn tệp cấu hình.")


def settings_or_exit(config: Path) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None


def engine_or_exit(settings: Settings, read_only_from: Path | None = None) -> Engine:
    """The store. Commands that only read pass their config file: they refuse rather than create an
    empty store, since a wrong --config would otherwise show an empty log as if no mail had come."""
    try:
        if read_only_from is not None and not database_exists(settings.database.url):
            typer.echo(f"lỗi: cơ sở dữ liệu khai báo trong tệp cấu hình {read_only_from.resolve()} chưa có "
                       "dữ liệu tiếp nhận nào; kiểm tra tùy chọn --config, hoặc chạy dhtt run trước.", err=True)
            raise typer.Exit(2)
        return open_database(settings.database.url, settings.database.echo)
    except StoreError as err:
        typer.echo(f"lỗi: {err}", err=True)
        raise typer.Exit(2) from None


def units_or_exit(settings: Settings) -> UnitDirectory:
    try:
        return load_units(settings.units_path())
    except StoreError as err:
        typer.echo(f"lỗi: {err}", err=True)
        raise typer.Exit(2) from None
