"""What every `dhtt` command does first: read the configuration and open the store, or say in one
line why it cannot (messages for operators are Vietnamese)."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.engine import Engine

from settings import ConfigError, Settings, load_settings
from store.db import open_database
from store.errors import StoreError
from store.units import UnitDirectory, load_units

CONFIG_OPTION = typer.Option(Path("config.toml"), "--config", "-c", help="Đường dẫn tệp cấu hình.")


def settings_or_exit(config: Path) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None


def engine_or_exit(settings: Settings) -> Engine:
    try:
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
