"""The report files of ``run.py check``, written "in progress" first, then replaced by the report.

``--junit`` is JUnit XML (:mod:`sim.gate.junit`), ``--summary`` Markdown
(:func:`sim.gate.report.markdown`). :func:`start_reports` writes each "in progress" before
anything is read or simulated, refusing a path that cannot be written or that names a file the
check reads; the command replaces each with the report once every scenario is judged
(:func:`reports` gives their contents).
"""

from __future__ import annotations

from pathlib import Path

from sim.config.errors import Problem, UserError
from sim.gate.junit import in_progress_junit, junit_xml
from sim.gate.report import in_progress_markdown, markdown
from sim.reporting.files import write_bytes
from sim.reporting.folder import check_file_out


def reports(args) -> list[tuple[str, str, object]]:
    """The report files asked for: (option, path, the function giving its bytes)."""
    out = []
    if args.junit:
        out.append(("--junit", args.junit, junit_xml))
    if args.summary:
        out.append(("--summary", args.summary, lambda checked: markdown(checked).encode("utf-8")))
    return out


def start_reports(args) -> None:
    """Write each report file at once in its "in progress" state (:func:`in_progress_junit`,
    :func:`in_progress_markdown`), before anything is read or simulated: a file left by an
    earlier run is never shown as this run's, an interrupted run leaves "in progress" (a
    failure to any CI reading it), and a path that cannot be written is invalid input found
    now, in one line naming the option (UserError)."""
    for option, path, _ in reports(args):
        check_file_out(path, option)  # a folder, or under a file
        if _overwrites_an_input(Path(path), args):
            raise UserError(
                [
                    Problem(
                        str(path),
                        None,
                        "",
                        f"{option} names a scenario or baseline file the check reads; expected a "
                        "path of its own for the report (e.g. results/check/summary.md)",
                    )
                ]
            )
        data = in_progress_junit() if option == "--junit" else in_progress_markdown().encode("utf-8")
        try:
            write_bytes(path, data)
        except OSError as exc:
            raise UserError(
                [
                    Problem(
                        str(path),
                        None,
                        "",
                        f"{option}: cannot write it ({exc.strerror or exc}); expected a file path "
                        "in a writable folder",
                    )
                ]
            ) from None


def _overwrites_an_input(path: Path, args) -> bool:
    """Whether a report written at ``path`` would replace what the check reads: a scenario file
    (any ``.yaml``/``.yml``, or an input named on the command line) or a baseline (a ``.json``
    in the baselines folder). Writing the report first would destroy it before it is read."""
    full = path.resolve()
    if full.suffix.lower() in (".yaml", ".yml"):
        return True
    if any(full == Path(p).resolve() for p in args.paths):
        return True
    return full.suffix.lower() == ".json" and full.parent == Path(args.baselines).resolve()
