"""Every Red Vest benchmark in one command; prints one table (see benchmarks/README.md).

    python benchmarks/run_all.py            # about ten minutes on 2 cores
    python benchmarks/run_all.py --quick    # shorter runs (W2 60 days, scaling to 10x only)

Times are CPU seconds of this process (``time.process_time``), so other work on the machine
disturbs them less than wall-clock time, and each is the fastest of several runs (on a shared
machine single runs vary by 30% and more); the parallel section uses wall-clock time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE / "w2"))

import models  # noqa: E402  (benchmarks/w2/models.py)

from sim.config.load import load_scenario  # noqa: E402
from sim.experiments.runner import run_replications  # noqa: E402

PINGYANG = REPO / "scenarios" / "pingyang.yaml"


def machine() -> str:
    """One line: cores, CPU model, Python and SimPy versions."""
    import simpy

    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, SimPy {simpy.__version__}"


def timed(fn):
    """(result, CPU seconds) of ``fn()``."""
    t0 = time.process_time()
    out = fn()
    return out, time.process_time() - t0


def w2_section(days: float, seed: int, repeat: int) -> list[str]:
    """W2 three ways in this process, ``repeat`` rounds interleaved (each implementation once
    per round): the fastest time of each, orders/s, ratio to heapq, and the statistics."""
    w = models.W2(days=days)
    _, _, world = models.run_redvest(seed, days)  # build (and warm up) once, outside the timing
    runs: dict[str, tuple] = {}
    floor = math.inf  # SimPy's public API alone on W2's orders (models.run_simpy_floor)
    for _ in range(repeat):
        for name, fn in (
            ("heapq loop", lambda: models.run_heapq(w, seed)),
            ("SimPy idiomatic", lambda: models.run_simpy(w, seed)),
            ("Red Vest engine", lambda: models.run_redvest(seed, world=world)[0]),
        ):
            result, sec = timed(fn)
            runs[name] = (result, min(sec, runs[name][1]) if name in runs else sec)
        (floor_orders, _), sec = timed(lambda: models.run_simpy_floor(w, seed))
        floor = min(floor, sec)
    base = runs["heapq loop"][1]
    stats = {name: models.summary(*r, days) for name, (r, _) in runs.items()}
    lines = [
        f"W2 three tiers, {days:g} simulated days (same process; fastest of {repeat} interleaved rounds)",
        f"{'implementation':<17} {'orders':>7} {'CPU s':>7} {'orders/s':>9} {'x heapq':>8}"
        f" {'to town %':>13} {'to county %':>13} {'mean wait min':>14}",
    ]
    for name, (r, sec) in runs.items():
        s = stats[name]
        lines.append(
            f"{name:<17} {len(r[0]):>7} {sec:>7.2f} {len(r[0]) / sec:>9.0f} {sec / base:>8.2f}"
            f" {100 * s['to_town'][0]:>6.2f}±{100 * s['to_town'][1]:<5.2f}"
            f" {100 * s['to_county'][0]:>6.3f}±{100 * s['to_county'][1]:<5.3f}"
            f" {s['wait_min'][0]:>7.3f}±{s['wait_min'][1]:<5.3f}"
        )
    lines.append(
        "agreement (difference within the combined 95% half-widths, batch means): "
        + ", ".join(
            f"{name}: {'yes' if agree(stats['heapq loop'], stats[name]) else 'NO'}"
            for name in runs
            if name != "heapq loop"
        )
    )
    rest = (runs["Red Vest engine"][1] - floor) / base
    lines.append(
        f"SimPy's public API alone (W2's {floor_orders} orders, an arrival and a release timeout each,"
        f" nothing else): {floor:.2f} CPU s, {floor / base:.2f}x heapq; the rest of Red Vest's time"
        f" (its model, drawing the orders, the logs): {rest:.2f}x heapq"
    )
    return lines


def agree(a: dict, b: dict) -> bool:
    """Whether two W2 summaries agree: every difference within the combined half-widths."""
    return all(abs(a[k][0] - b[k][0]) <= math.hypot(a[k][1], b[k][1]) + 1e-12 for k in a)


def scale_section(sizes: dict[int, int]) -> list[str]:
    """Pingyang at several sizes (copies -> runs), each in a fresh subprocess (memory = VmHWM);
    the fastest of the runs is reported."""
    rows = []
    for n, repeat in sizes.items():
        out = subprocess.run(
            [sys.executable, str(HERE / "scale.py"), str(n), str(repeat)],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    lines = [
        "Pingyang (default scenario, 16 simulated days per replication) and copies; "
        "sim s: fastest of " + ", ".join(f"{r} ({n}x)" for n, r in sizes.items()) + " runs",
        f"{'size':<6} {'places':>7} {'teams':>7} {'orders':>8} {'build s':>8} {'sim s':>7}"
        f" {'orders/s':>9} {'1x same proc':>12} {'vs 1x':>6} {'s/sim year':>11}"
        f" {'peak MB':>8} {'B/order*':>9}",
    ]
    for r in rows:
        rate = r["orders"] / r["sim_s"]
        reference = r.get("reference_orders_per_s", rate)
        horizon_days = 16.0
        per_order = run_bytes(r) / r["orders"]
        lines.append(
            f"{r['copies']:>3}x   {r['places']:>7} {r['teams']:>7} {r['orders']:>8}"
            f" {r['build_s']:>8.2f} {r['sim_s']:>7.2f} {rate:>9.0f} {reference:>12.0f}"
            f" {rate / reference:>6.2f} {r['sim_s'] * 365 / horizon_days:>11.2f}"
            f" {r['rss_peak'] / 2**20:>8.1f} {per_order:>9.0f}"
        )
    lines.append(
        "1x same proc: the 1x scenario's orders/s measured in the same process, "
        "interleaved with the big runs; vs 1x divides by it"
    )
    if all(r["clean_baseline"] for r in rows):
        lines.append(
            "* the first replication's peak resident memory beyond a clean baseline "
            "(after a warm-up replication of a five-place county and the world build; "
            "garbage collected, free memory trimmed, peak reset), per logged order"
        )
    else:
        lines.append(
            "* peak resident memory beyond the process after imports and the world "
            "build, per logged order (no clean baseline on this system: the run may "
            "reuse memory the build freed)"
        )
    lines.append(
        "marginal bytes per logged order (growth of that peak between sizes, so fixed "
        "costs cancel): " + ", ".join(marginal_bytes_per_order(rows))
    )
    return lines


def run_bytes(row: dict) -> int:
    """The resident memory one replication needed (bytes): its peak beyond the baseline."""
    return row["rss_run_peak"] - row["rss_base"]


def marginal_bytes_per_order(rows: list[dict]) -> list[str]:
    """Between consecutive sizes, the growth of the peak beyond the baseline per extra logged
    order (bytes): what an order costs once a replication's fixed costs are paid."""
    out = []
    for small, big in zip(rows, rows[1:]):
        grown = run_bytes(big) - run_bytes(small)
        out.append(f"{small['copies']}x to {big['copies']}x {grown / (big['orders'] - small['orders']):.0f}")
    return out


def parallel_section(reps: int, rounds: int) -> list[str]:
    """Replications per second (wall clock) of the default scenario with 1 and 2 workers;
    ``rounds`` interleaved rounds (1, 2, 1, 2, ...), the fastest of each reported. Each round
    also records what the host did: the time it stole from our cores during the 2-worker run
    (:func:`_stolen_seconds`) and, just after, :func:`host_pair_slowdown`, so that a low
    speed-up can be told apart from a busy host."""
    scenario = load_scenario(PINGYANG)
    lines = [
        f"Parallel: {reps} replications of the default scenario (wall clock, KPIs only; "
        f"fastest of {rounds} interleaved rounds)",
        f"{'workers':<8} {'seconds':>8} {'reps/s':>7} {'speed-up':>9} {'CPU s':>7}"
        f" {'CPU s/rep':>10} {'load avg':>9}",
    ]
    best: dict[int, tuple[float, float, float]] = {}
    rounds_seen = []  # (speed-up, share of the pair's core time stolen, probe after the round)
    for _ in range(rounds):
        seconds, stolen = {}, {}
        for jobs in (1, 2):
            cpu0, stolen0 = _cpu_with_children(), _stolen_seconds()
            t0 = time.perf_counter()
            run_replications(scenario, reps, seed=1, jobs=jobs, keep_logs=False, progress=False)
            sec = seconds[jobs] = time.perf_counter() - t0
            cpu = _cpu_with_children() - cpu0
            stolen[jobs] = _stolen_seconds() - stolen0
            if jobs not in best or sec < best[jobs][0]:
                best[jobs] = (sec, cpu, os.getloadavg()[0])
        rounds_seen.append((seconds[1] / seconds[2], stolen[2] / (2 * seconds[2]), host_pair_slowdown()))
    for jobs, (sec, cpu, load) in best.items():
        lines.append(
            f"{jobs:<8} {sec:>8.2f} {reps / sec:>7.2f} {best[1][0] / sec:>9.2f}"
            f" {cpu:>7.2f} {cpu / reps:>10.3f} {load:>9.1f}"
        )
    lines.append(
        "CPU s: this process and its finished workers (user + system); a load average "
        "above the core count means other work shared the cores"
    )
    lines.append(
        "each round's speed-up (stolen share of the 2-worker run; probe after it): "
        + ", ".join(f"{speed_up:.2f} ({steal:.0%}; {probe:.2f})" for speed_up, steal, probe in rounds_seen)
    )
    lines.append(
        "stolen: time the hypervisor ran other work instead of our 2 cores during the "
        "2-worker run (steal in /proc/stat). probe: CPU time of a plain Python loop run "
        "on both cores at once over the same loop alone, about 1.00 on two free cores "
        "(it changes within seconds: a sign of the host's state, not a correction)"
    )
    return lines


PROBE_LOOP = 3_000_000  # iterations of the host probe's loop: about 0.1 s


def _spin(n: int) -> float:
    """CPU seconds of ``n`` iterations of a plain Python loop (the host probe's work)."""
    start = time.process_time()
    total = 0
    for i in range(n):
        total += i
    return time.process_time() - start


def _spin_together(barrier, n: int, results) -> None:
    """:func:`_spin` in a worker process, started with the other worker (``barrier``)."""
    barrier.wait()
    results.put(_spin(n))


def host_pair_slowdown(repeats: int = 3) -> float:
    """How much slower the same CPU-bound loop runs with a copy on the other core: the CPU
    time of the slower of two copies started together in two processes (a barrier makes them
    overlap), over one copy alone, the fastest of ``repeats`` of each. Measures the host, not
    the engine."""
    from multiprocessing import get_context

    context = get_context()
    alone = min(_spin(PROBE_LOOP) for _ in range(repeats))
    pairs = []
    for _ in range(repeats):
        barrier, results = context.Barrier(2), context.SimpleQueue()
        workers = [
            context.Process(target=_spin_together, args=(barrier, PROBE_LOOP, results)) for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        pairs.append(max(results.get(), results.get()))
        for worker in workers:
            worker.join()
    return min(pairs) / alone


def _stolen_seconds() -> float:
    """Seconds the hypervisor has stolen from this machine's cores so far, summed over cores
    (the ``steal`` field of ``/proc/stat``); 0 where it is not reported."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _cpu_with_children() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (a smoke test)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sections = [
        lambda: [f"Machine: {machine()}"],
        lambda: w2_section(60.0 if args.quick else 300.0, args.seed, 2 if args.quick else 5),
        lambda: scale_section({1: 3, 10: 2} if args.quick else {1: 5, 10: 3, 100: 2}),
        lambda: parallel_section(4 if args.quick else 32, 1 if args.quick else 5),
    ]
    for section in sections:
        print("\n".join(section()), end="\n\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
