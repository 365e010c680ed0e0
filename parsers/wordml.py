"""WordprocessingML names and the fonts a .docx's styles name, read straight from its XML."""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type information

# Qualified names, computed once: qn() called inside the walking loops was most of the time
# spent on styles and runs (thousands of calls for each document).
R_ID = qn("r:id")
W_ASCII = qn("w:ascii")
W_BASED_ON = qn("w:basedOn")
W_BR = qn("w:br")
W_CR = qn("w:cr")
W_CUSTOM_XML = qn("w:customXml")
W_HANSI = qn("w:hAnsi")
W_HYPERLINK = qn("w:hyperlink")
W_INSTR_TEXT = qn("w:instrText")
W_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
W_P = qn("w:p")
W_R = qn("w:r")
W_RFONTS = qn("w:rFonts")
W_RPR = qn("w:rPr")
W_RSTYLE = qn("w:rStyle")
W_SDT = qn("w:sdt")
W_SDT_CONTENT = qn("w:sdtContent")
W_STYLE = qn("w:style")
W_STYLE_ID = qn("w:styleId")
W_T = qn("w:t")
W_TAB = qn("w:tab")
W_TBL = qn("w:tbl")
W_TC = qn("w:tc")
W_TR = qn("w:tr")
W_TXBX_CONTENT = qn("w:txbxContent")
W_VAL = qn("w:val")
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# ElementTree paths, joined once for the same reason.
PSTYLE_PATH = f"{qn('w:pPr')}/{qn('w:pStyle')}"
RFONTS_PATH = f"{W_RPR}/{W_RFONTS}"
DEFAULT_FONTS_PATH = f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{RFONTS_PATH}"
GRID_SPAN_PATH = f"{qn('w:tcPr')}/{qn('w:gridSpan')}"
V_MERGE_PATH = f"{qn('w:tcPr')}/{qn('w:vMerge')}"
GRID_BEFORE_PATH = f"{qn('w:trPr')}/{qn('w:gridBefore')}"

_W_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
_STYLES_WITH_FONTS = etree.XPath("w:style[w:rPr/w:rFonts]", namespaces=_W_NS)
_BASED_ON = etree.XPath("w:style/w:basedOn[1]", namespaces=_W_NS)
_MAX_BASED_ON = 10  # basedOn chains are short; the bound stops a cyclic one


def font_of(fonts: Any) -> str | None:
    """The font a <w:rFonts> element names for Latin text, or None."""
    if fonts is None:
        return None
    name = fonts.get(W_ASCII) or fonts.get(W_HANSI)
    return str(name) if name else None


def style_fonts(styles_root: Any) -> tuple[str | None, dict[str, str]]:
    """The document's default font and each style's font (inherited through basedOn).

    Read straight from styles.xml: python-docx's style objects resolve basedOn with an XPath
    query per step, which made this the slowest part of reading a whole document.
    """
    default_font = font_of(styles_root.find(DEFAULT_FONTS_PATH))
    # Only styles that name a font or a parent matter, and two compiled XPath queries find
    # them without touching the others: element proxies, not parsing, are the cost here.
    own = {style.get(W_STYLE_ID, ""): font_of(style.find(RFONTS_PATH))
           for style in _STYLES_WITH_FONTS(styles_root)}
    parent = {based.getparent().get(W_STYLE_ID, ""): based.get(W_VAL, "")
              for based in _BASED_ON(styles_root)}
    fonts_by_style: dict[str, str] = {}
    for style_id in own.keys() | parent.keys():
        current, name = style_id, None
        for _ in range(_MAX_BASED_ON):
            name = own.get(current)
            if name or current not in parent:
                break
            current = parent[current]
        if name:
            fonts_by_style[style_id] = name
    return default_font, fonts_by_style


def run_font(run: Any, styles: dict[str, str]) -> str | None:
    """The font a run names directly or through its character style."""
    props = run.find(W_RPR)
    if props is None:
        return None
    name = font_of(props.find(W_RFONTS))
    if name:
        return name
    style = props.find(W_RSTYLE)
    return styles.get(style.get(W_VAL, "")) if style is not None else None
