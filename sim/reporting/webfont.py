"""A CJK font embedded in an HTML page: the subset of glyphs its text uses, as ``@font-face``.

The Chinese briefing must read on a computer without any CJK font, so it carries its own: the
font the ``zh`` extra ships (Noto Sans CJK SC from ``mplfonts``, or the CJK font matplotlib found),
cut with fontTools (a matplotlib dependency) to the characters of the page, as WOFF in a
``data:`` URL. A page of briefing text needs a few hundred glyphs: tens of kilobytes, not 16 MB.
"""

from __future__ import annotations

import base64
import html
import io
import re

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "Red Vest CJK"  # the font-family name the embedded face is declared under


def page_text(page: str) -> str:
    """The characters a reader sees in an HTML page: tags, the style sheet and data URLs removed,
    entities decoded."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]*>", "", page))


def is_cjk(char: str) -> bool:
    """Whether ``char`` is a Chinese character or CJK punctuation (CJK symbols, the unified
    ideographs and their extension A, full-width forms), which a Latin font lacks."""
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def subset_woff(font_path: str, text: str) -> bytes:
    """The glyphs of ``font_path`` needed for ``text`` (plus .notdef), as WOFF bytes; the same
    text and font give the same bytes."""
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    number = 0 if font_path.lower().endswith((".ttc", ".otc")) else -1
    font = TTFont(font_path, lazy=True, recalcTimestamp=False, fontNumber=number)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text) - {"\n", "\r", "\t"})))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer)
    return buffer.getvalue()


def font_face_css(font_path: str, text: str) -> str:
    """An ``@font-face`` rule declaring :data:`FAMILY` as the subset of ``font_path`` for
    ``text``, embedded as a base64 WOFF data URL."""
    data = base64.b64encode(subset_woff(font_path, text)).decode("ascii")
    return (
        f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 400 700; '
        f'src: url(data:font/woff;base64,{data}) format("woff"); }}\n'
    )
