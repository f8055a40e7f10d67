"""JUnit XML of a regression-gate run: one test suite per scenario, one test case per KPI.

CI systems (GitLab's test reports, GitHub test-report actions, Jenkins) read this format. A KPI
that misses its threshold or falls significantly below its baseline is a ``<failure>`` whose
message is the gate's one-line explanation; an invalid scenario or baseline file is a suite
with a single ``<error>`` test case named ``valid``. Built with :mod:`xml.etree.ElementTree`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sim.gate.check import Checked
from sim.gate.report import IN_PROGRESS, settings_line


def junit_xml(checked: list[Checked]) -> bytes:
    """The JUnit XML document (UTF-8 bytes) for checked scenarios."""
    root = ET.Element("testsuites", name="redvest check")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for c in checked:
        suite = ET.SubElement(root, "testsuite", name=c.scenario or c.path)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="file", value=c.path)
        if c.errors:
            case = ET.SubElement(suite, "testcase", classname=f"redvest.check.{c.path}", name="valid")
            error = ET.SubElement(case, "error", message=c.errors[0], type="invalid input")
            error.text = "\n".join(c.errors)
            counts.update(tests=1, errors=1)
        else:
            ET.SubElement(props, "property", name="run", value=settings_line(c))
        for o in c.outcomes:
            case = ET.SubElement(suite, "testcase", classname=f"redvest.check.{c.scenario}", name=o.kpi)
            counts["tests"] += 1
            if o.promise:  # the verdict against the scenario's target, as in kpis.json
                promise = ET.SubElement(case, "properties")
                ET.SubElement(promise, "property", name="promise", value=o.promise)
                ET.SubElement(promise, "property", name="promise_detail", value=o.promise_text)
            if o.failed:
                counts["failures"] += 1
                kind = "threshold" if o.threshold_failed else "baseline"
                failure = ET.SubElement(case, "failure", message=o.messages[0], type=kind)
                failure.text = "\n".join(o.messages)
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failures"]))
        suite.set("errors", str(counts["errors"]))
        suite.set("skipped", "0")
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def in_progress_junit() -> bytes:
    """JUnit XML of a gate run that has not finished: one test case in error, so that a CI
    reading the file of an interrupted run reports it as failed, not passed."""
    root = ET.Element("testsuites", name="redvest check", tests="1", failures="0", errors="1")
    suite = ET.SubElement(root, "testsuite", name="redvest check", tests="1", failures="0", errors="1")
    suite.set("skipped", "0")
    case = ET.SubElement(suite, "testcase", classname="redvest.check", name="finished")
    ET.SubElement(case, "error", message=IN_PROGRESS, type="in progress").text = IN_PROGRESS
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
