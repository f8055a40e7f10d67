"""The engine of a git revision against the working tree's, side by side in one process.

On a shared machine the same code's speed drifts by 30% and more over minutes, so two
benchmark runs made minutes apart cannot show a 5% change. This script imports the revision's
``sim/`` package under another name (``sim_base``, extracted with ``git archive`` into a temp
folder, its imports rewritten), builds the same scenario with both engines and times their
replications interleaved (base, new, base, new, ...), so that both see the same state of the
machine. It prints the fastest and the median orders per second (CPU time) of each and their
ratios (above 1: the working tree is faster).

    python benchmarks/compare.py 9ff51c0              # the default scenario, 1x
    python benchmarks/compare.py HEAD~3 --size 10     # 10 copies of it (see scale.py)
    python benchmarks/compare.py HEAD --w2 60         # W2 (benchmarks/w2/w2.yaml), 60 days

Both engines must accept the scenario (a revision from before a scenario field existed may
reject a newer file).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import io
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

BASE_PACKAGE = "sim_base"
# "sim." or "sim " as a module path (not an attribute such as "self.sim.")
_MODULE_PATH = re.compile(r"(?<![\w.])sim(?=\.\w|\s+import\b)")


def extract_engine(revision: str, folder: Path, package: str = BASE_PACKAGE) -> None:
    """Write the ``sim/`` package of ``revision`` into ``folder`` as package ``package`` (``sim_base``),
    every ``sim.``/``from sim import`` module path in it renamed."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision, "sim"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4+: refuse links and absolute paths
            tar.extractall(folder, filter="data")
        else:
            tar.extractall(folder)
    (folder / "sim").rename(folder / package)
    for path in (folder / package).rglob("*.py"):
        path.write_text(_MODULE_PATH.sub(package, path.read_text(encoding="utf-8")), encoding="utf-8")


# where the entry points live: the packaged layout first, then the flat one of older revisions
LAYOUTS = (("model.replication", "config.load", "world.build"), ("model", "validate", "world"))


def engine(package: str, scenario: Path, days: float | None):
    """(simulate, world) of ``package`` for the scenario file (``days`` overrides run.days);
    either layout of ``sim/`` (sub-packages, or the flat modules of older revisions)."""
    for model_path, load_path, world_path in LAYOUTS:
        try:
            model = importlib.import_module(f"{package}.{model_path}")
        except ModuleNotFoundError:
            continue
        load = importlib.import_module(f"{package}.{load_path}")
        world = importlib.import_module(f"{package}.{world_path}")
        break
    else:
        raise ModuleNotFoundError(f"{package} has no model module in a known layout")
    loaded = load.load_scenario(scenario)
    if days is not None:
        loaded = dataclasses.replace(loaded, run=dataclasses.replace(loaded.run, days=days))
    return model.simulate, world.build_world(loaded)


def interleaved(engines: dict[str, tuple], rounds: int, reps: int, seed: int) -> dict[str, list[float]]:
    """Orders per CPU second of each engine in each round (``reps`` replications a round),
    after one untimed replication of each (the first run of a process pays for cold caches,
    which would handicap whichever engine goes first)."""
    for simulate, world in engines.values():
        simulate(world, seed)
    rates: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(rounds):
        for name, (simulate, world) in engines.items():
            start, orders = time.process_time(), 0
            for _ in range(reps):
                orders += len(simulate(world, seed).orders)
            rates[name].append(orders / (time.process_time() - start))
    return rates


def main(argv: list[str] | None = None) -> int:
    """Compare the revision's engine with the working tree's; print orders/s and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", nargs="?", default="HEAD", help="git revision (default HEAD)")
    parser.add_argument("--size", type=int, default=1, help="copies of the default scenario")
    parser.add_argument("--w2", type=float, metavar="DAYS", help="run W2 for DAYS days instead")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    parser.add_argument("--reps", type=int, default=1, help="replications per round (default 1)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        extract_engine(args.revision, Path(folder))
        sys.path.insert(0, folder)
        if args.w2 is not None:
            scenario, days, label = HERE / "w2" / "w2.yaml", args.w2, f"W2, {args.w2:g} days"
        elif args.size > 1:
            import scale

            scenario, days = scale.make_copies(args.size, Path(folder)), None
            label = f"Pingyang x{args.size}"
        else:
            scenario, days, label = REPO / "scenarios" / "pingyang.yaml", None, "Pingyang"
        engines = {
            args.revision: engine(BASE_PACKAGE, scenario, days),
            "working tree": engine("sim", scenario, days),
        }
        rates = interleaved(engines, args.rounds, args.reps, args.seed)
    print(f"{label}: orders per CPU second, {args.rounds} interleaved rounds of {args.reps} replication(s)")
    for name, values in rates.items():
        print(f"  {name:<14} fastest {max(values):>9.0f}  median {statistics.median(values):>9.0f}")
    base, new = rates[args.revision], rates["working tree"]
    print(
        f"  working tree / {args.revision}: fastest {max(new) / max(base):.3f}, "
        f"median {statistics.median(new) / statistics.median(base):.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
