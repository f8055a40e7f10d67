"""Where an order's time goes, line by line, and what grows with the county's size.

    python benchmarks/line_costs.py 1 100             # both sizes, then the comparison (~5 min)
    python benchmarks/line_costs.py 1 10 --top 40     # a quicker look (10x: ~1 min)

Each size runs in a child process sampled by py-spy (``pip install py-spy``; it reads the
process's stacks from outside, so the code runs unmodified, caches and all, unlike under
``cProfile``, whose overhead per call hides what memory costs). The child builds the scenario
(``scale.py``'s copies above 1x), then simulates replications, about 350,000 orders in all, and
reports its orders and the CPU seconds of the replications. The samples taken inside
``simulate`` are scaled so that they add up to the child's CPU microseconds per order, so each
line's figure is the microseconds an order spends on it. The tables list lines (time spent in
the line itself) and functions (time in them and what they call), largest growth from the
first size to the second first; the last lines give the run's total and the part spent in
SimPy's own code (``simpy/`` frames), the part the model cannot change without SimPy's
private internals.

Samples are statistical: a line under about 0.2 microseconds an order moves between runs.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

ORDERS_PER_SIZE = 350_000  # enough samples for lines of a few tenths of a microsecond an order
RATE_HZ = 250
RUN_FRAME = "Environment.run ("  # SimPy's event loop: the run, without the set-up and the log
SIMULATE_FRAME = "simulate ("


@dataclass
class Profile:
    """One size's samples, in microseconds an order: by line (self time), by function
    (inclusive), the whole replication (``simulate``), its run (``Environment.run``) and the
    run's time in SimPy's own frames."""

    lines: dict[str, float]
    functions: dict[str, float]
    replication: float
    run: float
    simpy: float


def parse_raw(text: str, us_per_order: float) -> Profile:
    """Profile from py-spy's raw output (one ``frame;frame;... count`` line per stack, frames
    ``function (file:line)``) of a process whose replications took ``us_per_order`` CPU
    microseconds an order: the samples inside ``simulate`` are scaled to add up to it. Lines
    and functions are those of the run (below ``Environment.run``)."""
    lines: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    replication = run = simpy = 0
    for row in text.splitlines():
        stack, _, count_text = row.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count, frames = int(count_text), stack.split(";")
        if not any(f.startswith(SIMULATE_FRAME) for f in frames):
            continue
        replication += count
        below_run = next((k + 1 for k, f in enumerate(frames) if f.startswith(RUN_FRAME)), None)
        if below_run is None:
            continue  # the set-up or the log
        run += count
        lines[frames[-1]] += count
        if "(simpy/" in frames[-1]:
            simpy += count
        for function in {re.sub(r":\d+\)$", ")", f) for f in frames[below_run:]}:
            functions[function] += count
    if not replication:
        raise ValueError("no samples inside simulate(): was the child sampled?")
    scale = us_per_order / replication
    return Profile(
        {k: v * scale for k, v in lines.items()},
        {k: v * scale for k, v in functions.items()},
        us_per_order,
        run * scale,
        simpy * scale,
    )


def growth_table(a: dict[str, float], b: dict[str, float], labels: tuple[str, str], top: int) -> list[str]:
    """The ``top`` keys whose microseconds an order grow most from ``a`` to ``b``, as lines."""
    keys = sorted(set(a) | set(b), key=lambda k: (-(b.get(k, 0.0) - a.get(k, 0.0)), k))[:top]
    out = [f"{labels[0]:>7} {labels[1]:>7} {'growth':>7}  where"]
    for k in keys:
        x, y = a.get(k, 0.0), b.get(k, 0.0)
        out.append(f"{x:7.2f} {y:7.2f} {y - x:+7.2f}  {k}")
    return out


def report(a: Profile, b: Profile, labels: tuple[str, str], top: int) -> list[str]:
    """The comparison of two sizes' profiles (microseconds an order)."""
    out = ["by line of the run (time in the line itself), microseconds an order, largest growth first"]
    out += growth_table(a.lines, b.lines, labels, top)
    out += ["", "by function of the run (time in it and what it calls)"]
    out += growth_table(a.functions, b.functions, labels, top)
    out += [
        "",
        f"replication: {a.replication:.1f} -> {b.replication:.1f} microseconds an order"
        f" ({labels[1]} / {labels[0]} speed: {a.replication / b.replication:.2f})",
        f"its run (Environment.run): {a.run:.1f} -> {b.run:.1f} ({b.run - a.run:+.1f})",
        f"of which in SimPy's own lines: {a.simpy:.1f} -> {b.simpy:.1f} ({b.simpy - a.simpy:+.1f});"
        f" the model's: {a.run - a.simpy:.1f} -> {b.run - b.simpy:.1f}"
        f" ({(b.run - b.simpy) - (a.run - a.simpy):+.1f})",
    ]
    return out


def child(n: int) -> int:
    """Build the ``n``-times scenario, simulate about :data:`ORDERS_PER_SIZE` orders, print
    ``{"orders", "cpu_s"}`` as JSON (the CPU seconds of the replications alone)."""
    import scale

    from sim.config.load import load_scenario
    from sim.model.replication import simulate
    from sim.world.build import build_world

    with tempfile.TemporaryDirectory() as folder:
        path = scale.make_copies(n, Path(folder)) if n > 1 else scale.BASE
        world = build_world(load_scenario(path))
    orders, cpu, seed = 0, 0.0, 1
    while orders < ORDERS_PER_SIZE:
        start = time.process_time()
        orders += len(simulate(world, seed).orders)
        cpu += time.process_time() - start
        seed += 1
    print(json.dumps({"orders": orders, "cpu_s": cpu}))
    return 0


def record(n: int, folder: Path) -> Profile:
    """Run the ``n``-times child under py-spy; its profile."""
    raw = folder / f"x{n}.txt"
    command = ["py-spy", "record", "--format", "raw", "--rate", str(RATE_HZ), "--output", str(raw), "--"]
    command += [sys.executable, str(Path(__file__).resolve()), "--child", str(n)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    # (py-spy writes its own lines to the same output: the child's is the JSON one)
    measured = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("{")))
    return parse_raw(raw.read_text(errors="replace"), 1e6 * measured["cpu_s"] / measured["orders"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[1, 100], help="two sizes (copies of the county)"
    )
    parser.add_argument("--top", type=int, default=25, help="rows in each table")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        return child(args.child)
    if len(args.sizes) != 2 or min(args.sizes) < 1:
        parser.error("give two sizes, e.g. 1 100")
    if shutil.which("py-spy") is None:
        print(
            "line_costs.py: py-spy is not installed (pip install py-spy): it samples the runs",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory() as folder:
        profiles = [record(n, Path(folder)) for n in args.sizes]
    labels = (f"{args.sizes[0]}x", f"{args.sizes[1]}x")
    print("\n".join(report(*profiles, labels, args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
