"""The one style of every Red Vest chart: palette, sizes, fonts (CJK too), figure and footnote
layout, and saving PNG (300 dpi, fixed pixel size) and SVG (stable ids) atomically.
"""

from __future__ import annotations

import importlib.util
import io
import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402
from scipy import stats  # noqa: E402

from sim.reporting.files import write_bytes  # noqa: E402
from sim.reporting.i18n import tr  # noqa: E402

DPI = 300
FOOTNOTE_IN = 0.32  # inches kept free at the bottom of every figure for the footnote
COLORS = {
    "urban": "#c0392b",
    "rural": "#2e86c1",
    "met": "#5b8db8",
    "uncertain": "#e69f00",
    "few": "#9e9e9e",
    "n/a": "#9e9e9e",
    "missed": "#c0392b",
    "target": "#222222",
    "ink": "#333333",
    "muted": "#777777",
    "better": "#1a9850",
    "worse": "#c0392b",
    "same": "#777777",
}
LEVEL_COLORS = {
    "village": "#1b9e77",
    "paired": "#66a61e",
    "town": "#7570b3",
    "county": "#e7298a",
    "subcenter": "#a6761d",
    "professional": "#e6ab02",
    "proxy_point": "#d95f02",
    "mediation_room": "#1f78b4",
    "cancelled": "#b0b0b0",
    "open": "#404040",
}
# figure sizes in inches (width, height); PNG pixels = inches x DPI
SIZES = {
    "response_times": (7.5, 3.6),
    "town_compliance": (7.5, 4.5),
    "map": (7.5, 4.3),
    "demand_capacity": (7.5, 4.1),
    "outcomes": (7.5, 2.9),
    "miss_causes": (7.5, 2.3),
}
# the causes of missed orders (sim.results.causes.CAUSES), in their precedence
CAUSE_COLORS = {
    "no_volunteer": "#7f3c8d",
    "all_busy": "#e73f74",
    "administrator": "#f2b701",
    "acceptance": "#11a579",
    "accepted_late": "#008695",
    "travel": "#3969ac",
    "travel_arrival": "#7ea6e0",  # (urban misses judged at arrival: turnout and travel)
    "service": "#80ba5a",
    "cancelled": "#e68310",
    "not_assigned": "#a5aa99",
}
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "SimHei",
    "Droid Sans Fallback",
    "Noto Serif CJK SC",
)
_CJK: list[tuple[str, str] | None] = []  # cache of (name, file): [] = not looked up yet


def _covers_chinese(path: str) -> bool:
    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(c)) for c in "红马甲县镇乡村")


def cjk_font() -> str | None:
    """Name of a font with Chinese glyphs: one matplotlib already knows, else the Noto Sans
    CJK SC shipped by the optional ``mplfonts`` package (``pip install -e '.[zh]'``), else None."""
    found = _find_cjk()
    return found[0] if found else None


def cjk_font_file() -> str | None:
    """Path of the font file :func:`cjk_font` names (what the Chinese briefing embeds), or None."""
    found = _find_cjk()
    return found[1] if found else None


def _find_cjk() -> tuple[str, str] | None:
    if _CJK:
        return _CJK[0]
    found = None
    for entry in font_manager.fontManager.ttflist:
        if entry.name in CJK_FAMILIES and _covers_chinese(entry.fname):
            found = (entry.name, entry.fname)
            break
    if found is None:
        spec = importlib.util.find_spec("mplfonts")
        if spec is not None and spec.origin:
            path = Path(spec.origin).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
            if path.exists() and _covers_chinese(str(path)):
                font_manager.fontManager.addfont(str(path))
                found = (font_manager.FontProperties(fname=str(path)).get_name(), str(path))
    _CJK.append(found)
    return found


def bold(lang: str) -> str:
    """Title weight: bold, except in Chinese (the CJK fonts found ship one regular weight)."""
    return "normal" if lang == "zh" else "bold"


def style(lang: str = "en") -> dict:
    """The rcParams every chart is drawn with (Chinese: the CJK font first, DejaVu as fallback).
    Text is drawn literally, never as matplotlib's mathtext: a "$" in a scenario's title, a
    town's name or any other text from a user is a dollar sign (``text.parse_math``, read when
    each text is made: every chart makes its texts inside these rcParams)."""
    fonts = ["DejaVu Sans"]
    if lang == "zh":
        font = cjk_font()
        fonts = [font, "DejaVu Sans"] if font else fonts
    return {
        "font.family": "sans-serif",
        "font.sans-serif": fonts,
        "font.size": 8.5,
        "text.parse_math": False,
        "axes.titlesize": 10,
        "axes.titleweight": bold(lang),
        "axes.labelsize": 8.5,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "legend.fontsize": 7.5,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "grid.linewidth": 0.6,
        "axes.edgecolor": "#555555",
        "axes.axisbelow": True,
        "svg.hashsalt": "redvest",
        "svg.fonttype": "path",
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
    }


def new_figure(size: tuple[float, float], footnote: str, lang: str = "en", **subplots):
    """A figure of ``size`` inches with constrained layout, the footnote at the bottom, and
    the axes of ``plt.subplots(**subplots)``."""
    with plt.rc_context(style(lang)):
        bottom = FOOTNOTE_IN / size[1]
        fig = plt.figure(
            figsize=size, dpi=100, layout=ConstrainedLayoutEngine(rect=(0, bottom, 1, 1 - bottom))
        )
        axes = fig.subplots(**subplots)
        fig.text(
            0.01, 0.012, footnote, fontsize=6.5, color=COLORS["muted"], va="bottom", ha="left", wrap=True
        )
    return fig, axes


def save(fig: plt.Figure, stem: str | Path, lang: str = "en") -> list[Path]:
    """Save a figure as ``stem.png`` (300 dpi, exact figure size) and ``stem.svg``, atomically."""
    paths = []
    with plt.rc_context(style(lang)):
        for ext in ("png", "svg"):
            buffer = io.BytesIO()
            metadata = {"Software": None} if ext == "png" else {"Date": None}
            fig.savefig(buffer, format=ext, dpi=DPI, metadata=metadata)
            data = buffer.getvalue()
            path = Path(f"{stem}.{ext}")
            write_bytes(path, stable_svg_ids(data) if ext == "svg" else data)
            paths.append(path)
    plt.close(fig)
    return paths


def stable_svg_ids(svg: bytes) -> bytes:
    """Renumber matplotlib's clip-path ids (hashes of clip rectangles, whose last float digits
    can vary between draws) in order of appearance, so that the same chart gives the same
    bytes."""
    ids: dict[bytes, bytes] = {}

    def number(match: re.Match) -> bytes:
        key = match.group(2)
        ids.setdefault(key, b"clip%d" % len(ids))
        return match.group(1) + ids[key]

    return re.sub(rb'(id="|url\(#)(p[0-9a-f]{10})\b', number, svg)


def png_pixels(path: str | Path) -> tuple[int, int]:
    """(width, height) of a PNG file in pixels, read from its header."""
    head = Path(path).read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def pixel_size(name: str) -> tuple[int, int]:
    """(width, height) in pixels of the PNG of the fixed-size chart ``name``."""
    w, h = SIZES[name]
    return round(w * DPI), round(h * DPI)


def pct(value: float | None, digits: int = 1) -> str:
    """A share as a percentage string ('n/a' for None/NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{100 * value:.{digits}f}%"


def mean_band(curves: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pointwise mean of replication curves (rows) and its Student-t interval (low, high);
    with one replication the band collapses onto the mean."""
    curves = np.asarray(curves, dtype=float)
    mean = np.nanmean(curves, axis=0)
    n = curves.shape[0]
    if n < 2:
        return mean, mean, mean
    half = stats.t.ppf(0.5 + level / 2, n - 1) * np.nanstd(curves, axis=0, ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def _text_box(ax, x, y, text, color, **kw):
    ax.text(
        x,
        y,
        text,
        transform=ax.transAxes,
        fontsize=7.5,
        color=color,
        va="bottom",
        ha="right",
        bbox={
            "boxstyle": "round,pad=0.35",
            "facecolor": "white",
            "edgecolor": color,
            "linewidth": 0.8,
            "alpha": 0.9,
        },
        **kw,
    )


def _duration(minutes: float, lang: str) -> str:
    """A tick label for a duration: '15 min', '4 h'."""
    if minutes < 60:
        return f"{minutes:g} {tr('unit.min', lang)}"
    return f"{minutes / 60:g} {tr('unit.h', lang)}"
