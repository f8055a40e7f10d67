"""The regression gate's reports: a compact plain table for the log and a Markdown summary.

Both show one row per scenario x KPI, e.g.::

    scenario  KPI          estimate  bound        threshold  vs baseline       result  promise
    pingyang  urban_10min  96.8%     lower 96.4%  >= 90.0%   +0.0 pp (paired)  pass    met (>= 90.0%: ...)

``bound`` is the one-sided confidence bound facing the threshold; ``vs baseline`` the mean
difference new - baseline per replication and how it was computed (paired on common random
numbers, or Welch when the seeds differ); ``promise`` the verdict against the scenario's own
target (``targets``) with its 95% interval, the same as kpis.json, the terminal and the
briefing give (:func:`sim.results.verdict.judge`), for the KPIs that have one. The Markdown
is fit for a CI job summary (``$GITHUB_STEP_SUMMARY``, GitLab merge-request notes).
"""

from __future__ import annotations

import math
from collections import Counter

from sim.gate.check import Checked, Outcome, exit_status, fmt, fmt_target
from sim.gate.expectations import NOT_APPLICABLE
from sim.reporting.formatting import plural
from sim.reporting.kpi_summary import VERDICT_WORDS

HEADER = ("scenario", "KPI", "estimate", "bound", "threshold", "vs baseline", "result", "promise")


def result_word(o: Outcome) -> str:
    """pass, FAIL (what failed) or accepted (a baseline change taken by --update-baselines)."""
    failed = [
        w
        for w, f in (("threshold", o.threshold_failed), ("baseline", o.baseline_failed and not o.accepted))
        if f
    ]
    if failed:
        return f"FAIL ({', '.join(failed)})"
    word = "accepted" if o.accepted else "pass"
    if o.verdict in ("uncertain", "few"):
        return f"{word} ({'uncertain' if o.verdict == 'uncertain' else 'too few replications'})"
    return word


def row(o: Outcome) -> tuple[str, ...]:
    """The cells of one scenario x KPI row."""
    # the estimate carries the KPI's unit; the row's other numbers are in the same unit
    bound = ""
    if o.threshold is not None and not math.isnan(o.bound):
        bound = f"{o.bound_side} {fmt(o.bound, o.unit, unit_shown=False)}"
    threshold = (
        f"{o.threshold.op} {fmt_target(o.threshold.value, o.unit, unit_shown=False)}" if o.threshold else ""
    )
    if o.declared_na:
        threshold = NOT_APPLICABLE
    if o.difference:
        versus = f"{fmt(o.difference['mean'], o.unit, True, True, unit_shown=False)} ({o.comparison})"
    else:
        versus = o.comparison
    promise = f"{VERDICT_WORDS.get(o.promise, o.promise)} ({o.promise_text})" if o.promise else ""
    return (o.scenario, o.kpi, fmt(o.estimate, o.unit), bound, threshold, versus, result_word(o), promise)


def text_table(checked: list[Checked]) -> str:
    """Every checked KPI as an aligned plain-text table."""
    rows = [HEADER] + [row(o) for c in checked for o in c.outcomes]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verdict_line(checked: list[Checked]) -> str:
    """One line: how many KPI checks passed, failed, and how many inputs were invalid; then
    the verdicts of the scenarios' own promises, which the gate does not judge (its thresholds
    guard against regressions), so that a green gate is not read as promises kept. Invalid
    input that stopped everything says so ("INVALID INPUT: 3 problem(s), nothing simulated"),
    not "0 of 0 KPI checks passed"."""
    outcomes = [o for c in checked for o in c.outcomes]
    failed = sum(o.failed for o in outcomes)
    invalid = sum(bool(c.errors) for c in checked)
    problems = sum(len(c.errors) for c in checked)
    word = {0: "PASSED", 1: "FAILED", 2: "INVALID INPUT"}[exit_status(checked)]
    counted = (
        f"{len(outcomes) - failed} of {len(outcomes)} KPI checks passed in "
        f"{sum(not c.errors for c in checked)} scenario(s)"
    )
    if not invalid:
        text = f"{word}: {counted}"
    elif not outcomes:
        text = f"{word}: {problems} problem(s), nothing simulated"
    else:  # found while simulating (a world that cannot be built): the others were judged
        text = f"{word}: {problems} problem(s); of the other scenarios, {counted}"
    promises = Counter(VERDICT_WORDS.get(o.promise, o.promise) for o in outcomes if o.promise)
    if promises:
        counts = ", ".join(f"{n} {word}" for word, n in sorted(promises.items()))
        text += f"; the scenarios' promises (not gated): {counts}"
    return text + (f"; {invalid} invalid input file(s)" if invalid else "")


def settings_line(c: Checked) -> str:
    """How one scenario was run and compared."""
    run = f"{plural(c.reps, 'replication')} x {plural(c.days, 'day')}"
    return f"{c.scenario} ({c.path}): {run}, seed {c.seed}; {c.note}"


def failure_lines(checked: list[Checked]) -> list[str]:
    """The failure messages of the log and the summary, in order; a scenario without a
    baseline fails every watched KPI for that one reason, said once for the scenario (one line
    per KPI buried its threshold failures). JUnit keeps a message per KPI."""

    def unbased(o: Outcome) -> bool:  # failed for want of a baseline (its message is the last)
        return o.comparison == "no baseline" and o.baseline_failed and not o.accepted

    out = []
    for c in checked:
        missing = [o for o in c.outcomes if unbased(o)]
        for o in c.outcomes:
            if unbased(o):
                if o is missing[0]:
                    why = o.messages[-1].removeprefix(f"{o.scenario}: {o.kpi}: ")
                    out.append(
                        f"{o.scenario}: {why}; each of its {len(missing)} KPI checks fails its "
                        "baseline part until one is accepted"
                    )
                out += o.messages[:-1]  # (its threshold's, if it failed that too)
            elif o.failed:
                out += o.messages
    return out


# the report files' text while the run has not finished (written first: an interrupted run
# leaves it, which a CI reads as a failure)
IN_PROGRESS = (
    "in progress: this run of the regression gate has not finished; if nothing replaces this "
    "line, the run was interrupted and gave no verdict"
)


def in_progress_markdown() -> str:
    """The Markdown summary of a gate run that has not finished."""
    return f"## ⏳ Red Vest regression gate: IN PROGRESS\n\n{IN_PROGRESS[0].upper()}{IN_PROGRESS[1:]}.\n"


def markdown(checked: list[Checked]) -> str:
    """A Markdown job summary: verdict, the table, failure messages, settings, invalid inputs."""
    icon = {0: "✅", 1: "❌", 2: "⚠️"}[exit_status(checked)]
    out = [f"## {icon} Red Vest regression gate: {verdict_line(checked)}", ""]
    rows = [row(o) for c in checked for o in c.outcomes]
    if rows:
        out += ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        for r in rows:
            cells = [c.replace("|", "\\|") for c in r]
            if r[6].startswith("FAIL"):
                cells[6] = f"**{cells[6]}**"
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    messages = failure_lines(checked)
    if messages:
        out += ["### Failures", ""] + [f"- {m}" for m in messages] + [""]
    errors = [line for c in checked for line in c.errors]
    if errors:
        out += ["### Invalid input", "", "```"] + errors + ["```", ""]
    ran = [c for c in checked if not c.errors]
    if ran:
        out += ["### Runs", ""] + [f"- {settings_line(c)}" for c in ran] + [""]
    out.append(
        "Thresholds must hold at the one-sided confidence bound; a baseline comparison "
        "fails only when significantly worse by at least the minimum effect "
        "(docs/ci.md)."
    )
    return "\n".join(out) + "\n"
