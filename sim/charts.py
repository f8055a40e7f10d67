"""Matplotlib figures, drawn from saved results only (never by simulating).

Each function takes plain arrays/dicts and a path stem, and writes PNG (print resolution) and SVG.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sim.files import write_bytes  # noqa: E402

DPI = 200
COLORS = {"urban": "#c0392b", "rural": "#2e86c1"}


def save(fig: plt.Figure, stem: str | Path) -> list[Path]:
    """Save a figure as ``stem.png`` and ``stem.svg`` atomically; return the paths."""
    paths = []
    for ext in ("png", "svg"):
        buffer = io.BytesIO()
        metadata = {"Software": None} if ext == "png" else {"Date": None}
        fig.savefig(buffer, format=ext, dpi=DPI, bbox_inches="tight", metadata=metadata)
        path = Path(f"{stem}.{ext}")
        write_bytes(path, buffer.getvalue())
        paths.append(path)
    plt.close(fig)
    return paths


def response_time_chart(responses: dict[str, list[np.ndarray]], promise_min: float,
                        compliance: dict[str, float], stem: str | Path, footnote: str) -> list[Path]:
    """Empirical CDF of response times (minutes) by zone, one thin line per replication and the
    pooled curve, with the urban promise marked and compliance printed."""
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    upper = 24 * 60.0
    for zone, reps in responses.items():
        color = COLORS.get(zone, "black")
        for values in reps:
            v = np.sort(values[~np.isnan(values)])
            if len(v):
                ax.step(v, np.arange(1, len(v) + 1) / len(v), where="post", color=color,
                        alpha=0.25, linewidth=0.7)
        pooled = np.sort(np.concatenate([r[~np.isnan(r)] for r in reps])) if reps else []
        if len(pooled):
            share = compliance.get(zone)
            label = zone if share is None or np.isnan(share) else f"{zone} (target met: {share:.1%})"
            ax.step(pooled, np.arange(1, len(pooled) + 1) / len(pooled), where="post",
                    color=color, linewidth=2, label=label)
    ax.axvline(promise_min, color="black", linestyle="--", linewidth=1)
    ax.text(promise_min * 1.08, 0.03, f"{promise_min:g}-minute promise", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlim(0.5, upper)
    ax.set_ylim(0, 1.01)
    ax.set_xlabel("Response time (minutes from order to a volunteer accepting, log scale)")
    ax.set_ylabel("Share of responded orders")
    ax.set_title("How fast orders get a response")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    fig.text(0.01, -0.02, footnote, fontsize=7, color="#555555")
    return save(fig, stem)
