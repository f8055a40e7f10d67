"""Gate verdicts as JUnit XML (one test case per scenario x KPI) and a Markdown summary."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sim.expect import kpi_unit
from sim.gate import Verdict


def _shown(value: float, unit: str) -> str:
    if value is None or value != value:
        return "n/a"
    return f"{value:.1%}" if unit == "share" else f"{value:.2f}"


def junit_xml(verdicts: list[Verdict]) -> bytes:
    """JUnit XML: a test suite per scenario, a test case per KPI, a failure per failed KPI."""
    root = ET.Element("testsuites", name="redvest-check", tests=str(len(verdicts)),
                      failures=str(sum(v.failed for v in verdicts)))
    suites: dict[str, ET.Element] = {}
    for v in verdicts:
        suite = suites.get(v.scenario)
        if suite is None:
            mine = [x for x in verdicts if x.scenario == v.scenario]
            suite = suites[v.scenario] = ET.SubElement(
                root, "testsuite", name=v.scenario, tests=str(len(mine)),
                failures=str(sum(x.failed for x in mine)), errors="0", skipped="0")
        case = ET.SubElement(suite, "testcase", classname=f"redvest.{v.scenario}", name=v.kpi)
        if v.failed:
            failure = ET.SubElement(case, "failure", message="; ".join(v.messages))
            failure.text = "\n".join(v.messages)
        elif v.status == "uncertain":
            out = ET.SubElement(case, "system-out")
            out.text = f"uncertain: the interval straddles {v.threshold.op} {v.threshold.value:g}"
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def markdown_summary(verdicts: list[Verdict]) -> str:
    """A Markdown table fit for a CI job summary."""
    failed = sum(v.failed for v in verdicts)
    head = "## Red Vest check: " + ("all passed" if not failed else f"{failed} failed")
    lines = [head, "", "| scenario | KPI | estimate (CI) | threshold | vs baseline | result |",
             "|---|---|---|---|---|---|"]
    for v in verdicts:
        unit = kpi_unit(v.kpi)
        e = v.estimate
        est = f"{_shown(e['mean'], unit)} ({_shown(e['low'], unit)} to {_shown(e['high'], unit)})"
        base = "no baseline"
        if v.baseline is not None:
            d = v.baseline
            scale = 100 if unit == "share" else 1
            suffix = " pp" if unit == "share" else ""
            base = "n/a" if d["mean"] != d["mean"] else \
                f"{d['mean'] * scale:+.2f}{suffix} ({'paired' if d['paired'] else 'unpaired'})"
        result = {"pass": "pass", "uncertain": "pass (uncertain)", "fail": "**FAIL**"}[v.status]
        lines.append(f"| {v.scenario} | {v.kpi} | {est} | {v.threshold.op} "
                     f"{_shown(v.threshold.value, unit)} | {base} | {result} |")
    for v in verdicts:
        for m in v.messages:
            lines.append(f"\n- {v.scenario}: {m}")
    return "\n".join(lines) + "\n"
