"""Vietnamese for the words click and typer print themselves ("Usage:", "Show this message and exit.",
their error messages), so an operator's whole screen is Vietnamese, not only our own help texts.

Import this module before click or typer. Why by hand: both libraries read their strings through
`gettext.gettext` / `gettext.ngettext` of the default domain, which only a compiled .mo catalog in
a locale folder, selected by the LANGUAGE variable of the operator's shell, could answer; no package
ships a Vietnamese catalog for them. So the two functions are wrapped before the libraries bind
them, with the catalog below; any string not in it passes through unchanged.
"""

from __future__ import annotations

import gettext
import sys
from typing import Any

CATALOG: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Arguments": "Tham số",
    "Commands": "Lệnh",
    "Error": "Lỗi",
    "Error: {message}": "Lỗi: {message}",
    "Show this message and exit.": "Xem hướng dẫn này rồi thoát.",
    "Aborted!": "Đã dừng.",
    "Aborted.": "Đã dừng.",
    "[default: {}]": "[mặc định: {}]",
    "[required]": "[bắt buộc]",
    "[env var: {}]": "[biến môi trường: {}]",
    "(deprecated) ": "(không còn dùng) ",
    "Try [blue]'{command_path} {help_option}'[/] for help.":
        "Xem hướng dẫn: [blue]'{command_path} {help_option}'[/]",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần có giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
    "Got unexpected extra argument ({args})": "Thừa tham số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa tham số ({args})",
    "Did you mean {possibility}?": "Có phải ý là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Có phải ý là một trong: {possibilities}?)",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là số hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} không đọc được.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} không ghi được.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "file": "Tệp",
    "directory": "Thư mục",
    "path": "Đường dẫn",
    "unknown error": "lỗi không xác định",
}

_plain_gettext, _plain_ngettext = gettext.gettext, gettext.ngettext


def _gettext(message: str) -> str:
    return CATALOG.get(message) or _plain_gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return CATALOG.get(chosen) or _plain_ngettext(singular, plural, n)


USAGE_OPTIONS = "[TÙY CHỌN]"
USAGE_COMMAND = "LỆNH [THAM SỐ]..."
# What click shows in place of a value, by the type's own (English) name, and our arguments' names.
TYPE_NAMES = {"text": "văn bản", "integer": "số", "integer range": "số", "float": "số", "boolean": "có/không"}
ARGUMENT_NAMES = {"message": "MÃ_THƯ", "unit": "MÃ_ĐƠN_VỊ", "reference": "MÃ_HỒ_SƠ", "files": "TỆP...",
                  "name": "TÊN", "address": "ĐỊA_CHỈ"}


def localise(command: Any) -> Any:
    """The click command built from our typer app, with its usage lines in Vietnamese (`[TÙY CHỌN]`,
    `MÃ_THƯ`), through every subcommand. Typer fixes these per command where each is declared (three
    modules); set here once, on the assembled tree."""
    import click

    command.options_metavar = USAGE_OPTIONS
    if hasattr(command, "suggest_commands"):
        command.suggest_commands = False  # click's suggestion is translated above; typer's is English
    if isinstance(command, click.Group):
        command.subcommand_metavar = USAGE_COMMAND
        for sub in command.commands.values():
            localise(sub)
    for param in command.params:
        if isinstance(param, click.Argument) and param.metavar is None:
            param.metavar = ARGUMENT_NAMES.get(param.name or "", (param.name or "").upper())
            param.opts = []  # help would list the identifier ("message") beside its Vietnamese name
        kind = param.type
        kind.name = TYPE_NAMES.get(kind.name, kind.name)
    return command


def install() -> None:
    """Wrap gettext before click and typer import it (they bind it at import: a process that imported
    them earlier, such as a test run, keeps the English)."""
    if "click" not in sys.modules:
        gettext.gettext, gettext.ngettext = _gettext, _ngettext  # type: ignore[assignment]


install()
