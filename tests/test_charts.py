"""Chart functions on plain synthetic data: files, pixel sizes, bands and forest verdicts.

The comparison charts (forest plot, sweep curves) take plain dicts and arrays so that `compare`
and `sweep` can call them; these tests feed them synthetic numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.reporting import briefing_charts, chart_style, experiment_charts, map_chart
from sim.results.stats import difference_verdict, summarise


def check_files(paths, width_in: float):
    png, svg = paths
    assert png.suffix == ".png" and svg.suffix == ".svg"
    assert png.stat().st_size > 10_000 and svg.stat().st_size > 5_000
    width, height = chart_style.png_pixels(png)
    assert width == round(width_in * chart_style.DPI) and height > 300
    return width, height


def test_forest_plot_of_synthetic_paired_differences(tmp_path):
    diffs = {
        "urban_10min": {"mean": 0.021, "low": 0.012, "high": 0.030},
        "rural_same_day": {"mean": -0.004, "low": -0.011, "high": 0.003},
        "cancellation_rate": {"mean": 0.01, "low": 0.002, "high": 0.018},
        "response_p90_urban": {"mean": -1.2, "low": -2.0, "high": -0.4},
        "open_overnight_per_week": {"mean": 3.0, "low": None, "high": None},
    }
    labels = {k: k.replace("_", " ") for k in diffs}
    few = check_files(
        experiment_charts.forest_plot(dict(list(diffs.items())[:2]), labels, tmp_path / "two", "synthetic"),
        7.5,
    )
    many = check_files(experiment_charts.forest_plot(diffs, labels, tmp_path / "five", "synthetic"), 7.5)
    assert many[1] > few[1]  # the figure grows with the number of KPIs


@pytest.mark.parametrize(
    "mean,low,high,direction,expected",
    [
        (0.02, 0.01, 0.03, +1, "better"),
        (0.02, 0.01, 0.03, -1, "worse"),
        (-0.02, -0.03, -0.01, -1, "better"),
        (0.02, -0.01, 0.05, +1, "same"),
        (0.02, 0.01, 0.03, 0, "higher"),
        (0.02, math.nan, math.nan, +1, "same"),
        (math.nan, math.nan, math.nan, +1, "n/a"),  # no pair has the KPI on both sides
    ],
)
def test_difference_verdict(mean, low, high, direction, expected):
    assert difference_verdict(mean, low, high, direction) == expected


def test_sweep_chart_of_synthetic_curves(tmp_path):
    x = [10, 20, 30, 40]
    share = np.array([0.80, 0.88, 0.93, 0.95])
    series = {
        "urban_10min": {"mean": share, "low": share - 0.02, "high": share + 0.02},
        "response_p90_urban": {"mean": [14, 11, 9, 8], "low": [12, 10, 8, 7], "high": [16, 12, 10, None]},
    }
    check_files(
        experiment_charts.sweep_chart(
            x,
            series,
            {"urban_10min": "Urban within 10 min"},
            "Village team members (people)",
            tmp_path / "sweep",
            "synthetic",
            targets={"urban_10min": 0.9},
        ),
        7.5,
    )


def test_replication_band_is_the_t_interval_of_the_curves():
    rng = np.random.default_rng(3)
    curves = np.sort(rng.uniform(size=(5, 40)), axis=1)
    mean, low, high = chart_style.mean_band(curves)
    s = summarise(curves[:, 17])
    assert (mean[17], low[17], high[17]) == pytest.approx((s["mean"], s["low"], s["high"]))
    one = chart_style.mean_band(curves[:1])
    assert np.array_equal(one[1], one[0]) and np.array_equal(one[2], one[0])


def test_a_cjk_font_when_found_has_chinese_glyphs():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    name = chart_style.cjk_font()
    if name is None:
        pytest.skip("no CJK font installed (pip install -e '.[zh]')")
    path = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    font = FT2Font(path)
    assert all(font.get_char_index(ord(c)) for c in "昆阳镇鳌江南麂")


def test_the_snippet_in_docs_charts_runs(tmp_path, monkeypatch):
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "charts.md").read_text(encoding="utf-8")
    (snippet,) = re.findall(r"```python\n(.*?)```", doc, re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "docs/charts.md", "exec"), {})
    for stem in ("results/compare/forest", "results/sweep/urban"):
        assert chart_style.png_pixels(tmp_path / f"{stem}.png")[0] == round(7.5 * chart_style.DPI)
        assert (tmp_path / f"{stem}.svg").stat().st_size > 0


def test_declutter_moves_overlapping_labels_apart():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    texts = [ax.text(5, 5, "Haixi", ha="center"), ax.text(5.3, 5.1, "Shanmen", ha="center")]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    before = [t.get_window_extent(renderer) for t in texts]
    assert before[0].overlaps(before[1])
    map_chart.declutter(ax, texts)
    after = [t.get_window_extent(renderer) for t in texts]
    assert not after[0].overlaps(after[1])
    plt.close(fig)


def test_town_compliance_axis_starts_at_zero(tmp_path, monkeypatch):
    limits = []
    import matplotlib.axes

    original = matplotlib.axes.Axes.set_xlim
    monkeypatch.setattr(
        matplotlib.axes.Axes, "set_xlim", lambda ax, *a, **k: limits.append(a) or original(ax, *a, **k)
    )
    towns = [
        {"label": "Huaixi", "mean": 0.906, "low": 0.88, "high": 0.93, "target": 0.95, "verdict": "missed"},
        {"label": "Fengwo", "mean": 1.0, "low": 1.0, "high": 1.0, "target": 0.95, "verdict": "met"},
    ]
    briefing_charts.town_compliance_chart(towns, tmp_path / "towns", "synthetic")
    assert limits[-1][0] == 0


def test_forest_plot_names_town_kpis_and_their_unit(tmp_path, monkeypatch):
    import matplotlib.axes

    shown = []
    for method in ("set_xlabel", "set_yticks"):
        original = getattr(matplotlib.axes.Axes, method)
        monkeypatch.setattr(
            matplotlib.axes.Axes,
            method,
            lambda ax, *a, _o=original, **k: shown.append(repr(a)) or _o(ax, *a, **k),
        )
    diffs = {"town.Huaixi.compliance": {"mean": 0.01, "low": -0.01, "high": 0.03}}
    experiment_charts.forest_plot(diffs, {}, tmp_path / "f", "synthetic")
    text = " ".join(shown)
    assert "percentage points" in text and "Orders meeting their promise in Huaixi" in text
    assert "(value)" not in text and "town.Huaixi" not in text


def test_a_swept_key_is_named_with_its_unit():
    from sim.config.overrides import path_meaning

    assert path_meaning("dispatch.timeouts_min.rural[0]")[1] == "minutes"
    assert path_meaning("teams.village_members_village")[1] == "people"
    assert path_meaning("no.such.key") == ("", "")


def test_sweep_charts_name_the_axis_with_its_unit(tmp_path, monkeypatch):
    from sim.experiments.sweep import point_scenario, points, run_sweep, write_charts
    from tests.test_sweep import sweep_file

    sweep = sweep_file(tmp_path)
    rows = run_sweep(sweep, tmp_path / "out", progress=False)
    axes = []
    monkeypatch.setattr(
        experiment_charts, "sweep_chart", lambda x, s, labels, x_label, *a, **k: axes.append(x_label) or []
    )
    write_charts(sweep, rows, point_scenario(sweep, points(sweep)[0]), tmp_path / "out")
    # the key in words with its unit, the key path beneath (sweep_charts.axis_label)
    assert "rural village timeout\n(minutes)\ndispatch.timeouts_min.rural[0]" in axes


def test_a_sweep_of_named_values_draws_named_points_without_a_line(tmp_path):
    """Pairing strategies have no order: each is a point with an error bar, named on the axis."""
    import matplotlib.pyplot as plt

    drawn = {}
    real_save = experiment_charts.save

    def keep(fig, stem, lang):
        ax = fig.axes[0]
        drawn["ticks"] = [t.get_text() for t in ax.get_xticklabels()]
        drawn["lines"] = [
            line for line in ax.get_lines() if len(line.get_xdata()) > 1 and line.get_linestyle() != "None"
        ]
        drawn["bars"] = len(ax.containers)
        return real_save(fig, stem, lang)

    experiment_charts.save = keep
    try:
        check_files(
            experiment_charts.sweep_chart(
                [0, 1, 2],
                {
                    "rural_same_day": {
                        "mean": [0.96, 0.95, 0.96],
                        "low": [0.95, 0.94, 0.95],
                        "high": [0.97, 0.96, 0.97],
                    }
                },
                {},
                "pairing strategy",
                tmp_path / "strategies",
                "synthetic",
                categories=["listed", "none", "nearest"],
            ),
            7.5,
        )
    finally:
        experiment_charts.save = real_save
        plt.close("all")
    assert drawn["ticks"] == ["listed", "none", "nearest"]
    assert drawn["bars"] == 1  # one error-bar container
    assert drawn["lines"] == []  # no line joins the points
