"""Progress helps: done/total, rate and time left on one updating line on a terminal, a few
plain lines elsewhere; a --precision run counts on across rounds; a resumed sweep says what it
reused."""

from __future__ import annotations

import io
import re

from sim.reporting.progress import Progress, duration_text, plural


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_terminal_gets_one_updating_line_with_rate_and_time_left(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out, clock = Terminal(), Clock()
    bar = Progress(4, "pingyang", stream=out, clock=clock)
    clock.now = 10.0
    bar.step()
    assert out.getvalue() == "\rpingyang: 1/4 replications, 6/min, about 30 s left\x1b[K"
    for _ in range(3):
        clock.now += 10.0
        bar.step()
    lines = out.getvalue().split("\r")
    assert lines[-1] == "pingyang: 4/4 replications, 6/min, took 40 s\x1b[K\n"
    assert out.getvalue().count("\n") == 1  # one line, updated in place


def test_without_a_terminal_a_few_plain_lines(monkeypatch):
    monkeypatch.setenv("CI", "true")
    out, clock = Terminal(), Clock()  # CI: plain lines even on a terminal
    bar = Progress(40, "sweep x", unit="point", stream=out, clock=clock)
    for _ in range(40):
        clock.now += 2.0
        bar.step()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and len(lines) == 4
    assert lines[0] == "sweep x: 10/40 points, 30/min, about 1 min 00 s left"
    assert lines[-1] == "sweep x: 40/40 points, 30/min, took 1 min 20 s"


def test_a_second_round_counts_on_from_the_first(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out = io.StringIO()
    bar = Progress(3, "p (round 1)", stream=out, clock=Clock())
    for _ in range(3):
        bar.step()
    bar.add(5, "p (round 2)")
    bar.step()
    assert out.getvalue().splitlines()[-1].startswith("p (round 2): 4/8 replications")


def test_words_and_durations():
    assert plural(1, "replication") == "1 replication" and plural(2, "day") == "2 days"
    assert duration_text(8) == "8 s" and duration_text(185) == "3 min 05 s"
    assert duration_text(4800) == "1 h 20 min"


def test_a_resumed_sweep_says_how_many_points_it_reused(tmp_path, capsys, monkeypatch):
    from sim.experiments.sweep import run_sweep
    from tests.test_sweep import Interrupt, sweep_file

    monkeypatch.setenv("CI", "true")
    sweep = sweep_file(tmp_path)

    def stop_after_one(path):
        raise Interrupt

    try:
        run_sweep(sweep, tmp_path / "out", progress=True, on_point=stop_after_one)
    except Interrupt:
        pass
    assert "reusing" not in capsys.readouterr().err
    run_sweep(sweep, tmp_path / "out", progress=True)
    err = capsys.readouterr().err.splitlines()
    cache = tmp_path / ".out.cache" / "points"  # an interrupted sweep's points: beside out, not in it
    assert err[0] == f"sweep t: reusing 1 of 4 points an interrupted sweep saved in {cache}; 3 to simulate"
    assert err[-1].startswith("sweep t: 3/3 points, ")
    run_sweep(sweep, tmp_path / "out", progress=True)  # every point in the previous folder
    out = tmp_path / "out" / "points"
    assert capsys.readouterr().err.splitlines() == [
        f"sweep t: reusing 4 of 4 points saved in {out}; 0 to simulate"
    ]


def test_rates():
    from sim.reporting.progress import rate_text

    assert rate_text(130.4) == "130/s" and rate_text(1.54) == "1.5/s" and rate_text(2.0) == "2/s"
    assert rate_text(0.5) == "30/min" and rate_text(0.01) == "0.6/min"


def test_one_long_replication_shows_its_days_on_a_terminal_and_its_quarters_elsewhere(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out, clock = Terminal(), Clock()
    bar = Progress(1, "pingyang", stream=out, clock=clock)
    clock.now = 10.0
    bar.within(0.25)
    assert out.getvalue() == "\rpingyang: 0/1 replication (the next 25% done), 1.5/min, about 30 s left\x1b[K"
    monkeypatch.setenv("CI", "true")
    out, clock = io.StringIO(), Clock()
    bar = Progress(1, "pingyang", stream=out, clock=clock)
    for day in range(1, 16):  # a 16-day horizon: a midnight every 1/16
        clock.now += 1.0
        bar.within(day / 16)
    clock.now += 1.0
    bar.step()
    lines = out.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "pingyang: 0/1 replication (the next 25% done)",
        "pingyang: 0/1 replication (the next 50% done)",
        "pingyang: 0/1 replication (the next 75% done)",
        "pingyang: 1/1 replication",
    ]
    assert lines[0].endswith("about 12 s left") and lines[-1].endswith("took 16 s")


def test_a_replication_run_here_reports_its_midnights_and_its_results_do_not_change(tiny):
    from sim.experiments.replicate import run_one

    shares = []
    followed = run_one(tiny, 7, 0, on_day=shares.append)
    plain = run_one(tiny, 7, 0)
    # tiny: 2 measured days, no warm-up, 1 day of drain: midnights at 1/3 and 2/3 of the horizon
    assert shares == [1 / 3, 2 / 3]
    assert repr(followed.kpis) == repr(plain.kpis)  # (NaN for what a short run cannot judge)
    for name in ("t_placed", "t_assigned", "t_arrived", "t_released", "team"):
        assert getattr(followed.log.orders, name).tobytes() == getattr(plain.log.orders, name).tobytes()


def test_replications_side_by_side_show_their_shares_until_each_finishes(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out, clock = Terminal(), Clock()
    bar = Progress(4, "pingyang", stream=out, clock=clock)
    clock.now = 10.0
    bar.within(0.5, key=0)
    assert bar.text() == "pingyang: 0/4 replications (1 under way, 50% done), 3/min, about 1 min 10 s left"
    bar.within(0.25, key=1)
    assert bar.text().startswith("pingyang: 0/4 replications (2 under way, 38% done on average)")
    bar.step(key=0)  # its share is now a whole replication
    assert bar.text().startswith("pingyang: 1/4 replications (1 under way, 25% done)")
    for key in (1, 2, 3):
        bar.step(key=key)
    assert out.getvalue().split("\r")[-1] == "pingyang: 4/4 replications, 24/min, took 10 s\x1b[K\n"


def test_without_a_terminal_shares_under_way_print_at_most_a_line_a_quarter(monkeypatch):
    monkeypatch.setenv("CI", "true")
    out, clock = io.StringIO(), Clock()
    bar = Progress(4, "pingyang", stream=out, clock=clock)
    for index in range(0, 4, 2):  # two at a time, 16 midnights each
        for day in range(1, 16):
            clock.now += 1.0
            bar.within(day / 16, key=index)
            bar.within(day / 16, key=index + 1)
        bar.step(key=index)
        bar.step(key=index + 1)
    lines = out.getvalue().splitlines()
    assert [_head(line) for line in lines] == [
        "pingyang: 0/4 replications (2 under way, 50% done on average)",
        "pingyang: 2/4 replications",  # the second quarter: 2 done
        "pingyang: 2/4 replications (2 under way, 50% done on average)",
        "pingyang: 4/4 replications",
    ]


def _head(line: str) -> str:
    """A progress line up to its rate: the count and what is under way."""
    return re.match(r"[^,(]*(\([^)]*\))?", line).group(0)


def _under_way_run(monkeypatch, jobs: int, bar):
    from sim.config.load import load_scenario
    from sim.experiments.runner import run_replications
    from tests.conftest import TINY

    monkeypatch.setattr("sim.experiments.runner._POLL_S", 0.01)
    return run_replications(load_scenario(TINY), 3, 7, jobs=jobs, progress=bar)


def test_replications_in_workers_report_their_midnights_to_the_bar(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out = Terminal()
    results = _under_way_run(monkeypatch, 2, Progress(3, "tiny", stream=out))
    assert [r.index for r in results] == [0, 1, 2]
    lines = [_head(line.removesuffix("\x1b[K")) for line in out.getvalue().split("\r")[1:]]
    first_done = next(k for k, line in enumerate(lines) if line.startswith("tiny: 1/3"))
    # tiny: midnights at 1/3 and 2/3 of the horizon; two replications at a time
    assert any("under way" in line for line in lines[:first_done])
    assert lines[-1] == "tiny: 3/3 replications" and out.getvalue().endswith("\n")
    assert not [line for line in lines if line.startswith("tiny: 3/3") and "under way" in line]


def test_results_in_workers_are_the_same_with_and_without_the_bar(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out = Terminal()
    followed = _under_way_run(monkeypatch, 2, Progress(3, "tiny", stream=out))
    plain = _under_way_run(monkeypatch, 2, False)
    assert "under way" in out.getvalue()  # (the workers did report)
    assert [repr(r.kpis) for r in followed] == [repr(r.kpis) for r in plain]
    for f, p in zip(followed, plain):
        for name in ("t_placed", "t_assigned", "t_arrived", "t_released", "team"):
            assert getattr(f.log.orders, name).tobytes() == getattr(p.log.orders, name).tobytes()


def test_without_the_bar_workers_add_no_midnights(monkeypatch):
    import multiprocessing

    import pytest

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the patched midnights reach workers by fork")

    def refuse(rep, on_day):
        raise AssertionError("a midnights process was added without a progress bar")

    monkeypatch.setattr("sim.experiments.replicate.midnights", refuse)
    assert len(_under_way_run(monkeypatch, 2, False)) == 3


def test_shares_reported_many_times_a_second_redraw_the_line_at_most_every_tenth_of_a_second(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out, clock = Terminal(), Clock()
    bar = Progress(8, "pingyang", stream=out, clock=clock)
    clock.now = 1.0
    for day in range(1, 101):  # eight workers' midnights, a millisecond apart
        clock.now += 0.001
        for key in range(8):
            bar.within(day / 101, key=key)
    assert out.getvalue().count("\r") == 1  # drawn once, not 800 times
    clock.now += 0.001
    bar.step(key=0)  # a finished replication is shown at once
    assert out.getvalue().split("\r")[-1].startswith("pingyang: 1/8 replications (7 under way,")
    clock.now += 0.2
    bar.within(1 / 101, key=1)
    assert out.getvalue().count("\r") == 3
