"""Jinja2 rendering of the staff mails: Vietnamese text lives in templates/, placeholders in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).with_name("templates")

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined,
)


def render(name: str, **context: Any) -> tuple[str, str]:
    """The text and HTML versions of template `name`."""
    return (_ENV.get_template(f"{name}.txt").render(context),
            _ENV.get_template(f"{name}.html").render(context))
