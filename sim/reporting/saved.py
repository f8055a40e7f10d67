"""What a run saves beside its KPIs, and how later commands read saved runs back.

``scenario.json`` is the fully resolved scenario (every default filled, ``extends`` applied);
``run.json`` has the root seed, replications, how they were chosen and the package versions.
With ``kpis.json`` (every replication's KPIs) a later ``report`` or ``compare`` reuses a run
without simulating it again.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from sim.config.errors import Problem, UserError
from sim.config.scenario import Scenario
from sim.reporting.files import write_json
from sim.reporting.shapes import check_kpis_json

PACKAGES = ("redvest", "simpy", "numpy", "scipy", "matplotlib", "pyyaml")


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape results."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def save_run(
    out: Path, scenario: Scenario, seed: int, reps: int, how: dict, engine: str | None = None
) -> None:
    """Write scenario.json and run.json into a results folder. ``engine``: the engine that
    simulated the run (:func:`sim.experiments.content.engine_digest`, which ``compare``
    checks: it pairs saved runs of one engine only); left out when not given."""
    write_json(out / "scenario.json", asdict(scenario))
    run = {
        "scenario": scenario.name,
        "seed": seed,
        "reps": reps,
        "days": scenario.run.days,
        "warmup_days": scenario.run.warmup_days,
        "replications_chosen_by": how,
        "versions": versions(),
    }
    write_json(out / "run.json", run if engine is None else {**run, "engine": engine})


def is_results_folder(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding a saved run (kpis.json)."""
    return Path(path).is_dir() and (Path(path) / "kpis.json").is_file()


def load_saved(folder: str | Path) -> dict:
    """The kpis.json of a saved run, checked to hold what `compare` needs."""
    path = Path(folder) / "kpis.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(
            [
                Problem(
                    str(path),
                    None,
                    "",
                    f"cannot read saved results ({exc}); expected the kpis.json a run writes",
                )
            ]
        ) from None
    check_kpis_json(data, path)  # (one line naming the value that is not what a run writes)
    if data.get("extension"):
        raise UserError(
            [
                Problem(
                    str(path),
                    None,
                    "extension",
                    f"the results of a run extended with {data['extension']} (docs/extending.md), "
                    "not of the scenario as written; expected a scenario's own saved run "
                    "(compare simulates extensions only through run_replications(extend=...))",
                )
            ]
        )
    return data
