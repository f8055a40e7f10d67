"""The Pingyang scenario copied N times (more towns and places, the same demand per place).

``make_copies(n, folder)`` writes towns, places and pairing CSVs with every town repeated ``n``
times (copy k > 0 gets codes and names suffixed ``~k`` and is moved as a whole to cell k of a
square grid with 0.6-degree steps, about 60 km, side by side like the counties of a province;
each place keeps its demand, teams and nearly its travel times) and a scenario that
``extends:`` scenarios/pingyang.yaml with them. Each copy is a whole county: copy k > 0 gets
its own county center (``teams.centers``), sub-centers and professional teams at its own seat,
and every county-wide total (:data:`COUNTY_TOTALS`: planned activities, the administrator's
reviewers in the office and on call, the proxy points' members and errands, the paired units'
projects) is multiplied by ``n``, so that each copy's orders, by channel, are the county's
(the county tier stays one tier: a freed center may still take a waiting order of
another copy, and an order goes to the nearest able center).
Run as a script, it measures a replication in this fresh process and prints JSON: orders,
CPU seconds (the fastest of REPEAT runs), and peak resident memory after the imports, after
building the world and after the first replication.

    python benchmarks/scale.py 10            # copies 10x into a temp folder and measures
    python benchmarks/scale.py 10 3          # the same, fastest of 3 runs

Above 1x, the 1x scenario is also run in the same process, interleaved with the big runs, so
that the ratio of their speeds is not at the mercy of other work on a shared machine.
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import gc
import json
import math
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sim.config.load import load_scenario  # noqa: E402
from sim.config.loader import read_yaml  # noqa: E402

BASE = REPO / "scenarios" / "pingyang.yaml"
STEP_DEG = 0.6  # grid step between copies (Pingyang spans about 0.5 degrees)


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header)
        writer.writeheader()
        writer.writerows(rows)


# the scenario's county-wide totals (section, key): each copy gets the base county's share of
# each, so the copies' scenario multiplies them by the number of copies
COUNTY_TOTALS = (
    ("activities", "per_month"),
    ("admin", "reviewers"),
    ("admin", "on_call_reviewers"),
    ("proxy", "members"),
    ("proxy", "errands_per_day"),
    ("pairing", "villages"),
)


def county_totals(n: int) -> dict[str, dict]:
    """The base scenario's county-wide totals times ``n``, by section, as scenario overrides:
    planned activities, the administrator's reviewers (in the office and on call), the proxy
    points' members and errands, the villages to pair and the paired units' projects (values the
    base file leaves at their defaults included). Each copy then has the base county's
    resources and demand in every channel."""
    scenario = load_scenario(BASE)
    out: dict[str, dict] = {}
    for section, key in COUNTY_TOTALS:
        settings = getattr(scenario, section)
        if settings is not None:
            out.setdefault(section, {})[key] = getattr(settings, key) * n
    projects = scenario.pairing.projects.projects
    out["pairing"]["projects"] = {"projects": {item: count * n for item, count in projects.items()}}
    return out


def make_copies(n: int, folder: Path) -> Path:
    """Write the n-times Pingyang scenario into ``folder``; return the scenario's path."""
    base = read_yaml(BASE)
    geo = base["geography"]
    data = BASE.parent
    t_head, towns = _rows(data / geo["towns_csv"])
    p_head, places = _rows(data / geo["places_csv"])
    a_head, pairs = _rows(data / base["pairing"]["file"])

    def tag(text: str, k: int) -> str:
        return text if k == 0 else f"{text}~{k}"

    out_t, out_p, out_a = [], [], []
    side = math.ceil(math.sqrt(n))
    for k in range(n):
        dlat, dlon = STEP_DEG * (k // side), STEP_DEG * (k % side)
        out_t += [
            {
                **r,
                "code": tag(r["code"], k),
                "name": tag(r["name"], k),
                "pinyin": tag(r["pinyin"], k),
                "seat_lat": f"{float(r['seat_lat']) + dlat:.5f}",
                "seat_lon": f"{float(r['seat_lon']) + dlon:.5f}",
            }
            for r in towns
        ]
        out_p += [
            {**r, "code": tag(r["code"], k), "name": tag(r["name"], k), "town_code": tag(r["town_code"], k)}
            for r in places
        ]
        out_a += [
            {
                **r,
                "village_code": tag(r["village_code"], k),
                "unit_name": tag(r["unit_name"], k),
                "home_code": tag(r["home_code"], k),
            }
            for r in pairs
        ]
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "towns.csv", t_head, out_t)
    _write(folder / "places.csv", p_head, out_p)
    _write(folder / "pairing.csv", a_head, out_a)
    seat = geo["county_seat_town"]
    county = base["teams"]["county"]
    centers = [{**county, "name": tag(county["name"], k), "home_town": tag(seat, k)} for k in range(1, n)]

    def per_copy(kinds: list[dict]) -> list[dict]:
        return [
            {**kind, "name": tag(kind["name"], k), "home_town": tag(kind.get("home_town") or seat, k)}
            if k
            else kind
            for k in range(n)
            for kind in kinds
        ]

    subcenters = per_copy(base["teams"].get("subcenters", []))
    professional = per_copy(base["teams"].get("professional", []))
    copies = [tag(t, k) for k in range(n) for t in geo["urban_towns"]]
    islands = [tag(t, k) for k in range(n) for t in geo["travel"]["ferry"]["island_towns"]]
    teams = json.dumps({"centers": centers, "subcenters": subcenters, "professional": professional})
    text = (
        f"extends: {json.dumps(str(BASE))}\nname: pingyang_x{n}\n"
        f"geography:\n  towns_csv: towns.csv\n  places_csv: places.csv\n"
        f"  urban_towns: {json.dumps(copies)}\n"
        f"  travel: {{ferry: {{island_towns: {json.dumps(islands)}}}}}\n"
        f"teams: {teams}\n"
    )
    overrides = county_totals(n)
    overrides["pairing"]["file"] = "pairing.csv"
    for section, values in overrides.items():  # (JSON is YAML's flow style)
        text += f"{section}: {json.dumps(values)}\n"
    path = folder / f"pingyang_x{n}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _status(key: str) -> int | None:
    """A memory figure of this process from /proc/self/status (bytes; None off Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _rss_bytes() -> int:
    """Peak resident memory of this process so far (bytes). VmHWM, not ru_maxrss: a child
    started by fork + exec inherits its parent's ru_maxrss, but not its VmHWM."""
    peak = _status("VmHWM")
    if peak is not None:
        return peak
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def clean_baseline() -> int | None:
    """Make the process's memory a clean baseline for the next peak and return it (bytes):
    garbage collected, the C allocator's free memory handed back to the system
    (``malloc_trim``), and the peak reset to the current resident size (``clear_refs``), so
    that the next peak counts what the next work touches rather than a peak reached before
    it. (Python's small-object allocator keeps its free pools: memory the next work may reuse
    unseen, which is why the warm-up in :func:`measure` is a tiny county.) None where that
    cannot be done or the reset did not take (not Linux with glibc)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to VmRSS
    except (OSError, AttributeError):
        return None
    resident, peak = _status("VmRSS"), _status("VmHWM")
    if resident is None or peak is None or peak > resident + 2**20:
        return None
    return resident


# a five-place county: a replication of it runs the model's code (the libraries' code pages a
# replication touches become resident) without growing the allocators to a county's size
WARM_UP = REPO / "tests" / "data" / "tiny.yaml"


def measure(path: Path, seed: int = 1, repeat: int = 1, reference: Path | None = None) -> dict[str, float]:
    """The scenario at ``path``: world build time, then ``repeat`` runs of the same replication
    (CPU seconds, the fastest reported: the others were slowed by other work on the machine)
    and memory (bytes): peak resident after the imports and after building the world, and the
    first replication's peak and its baseline.

    Where :func:`clean_baseline` works, the baseline is taken after a warm-up replication of
    the five-place test county and the world build: the first replication's peak minus it is
    the memory that replication needs, neither its libraries' code pages (touched by the
    warm-up, as by any process that has run a replication) nor shifted by how much freed
    memory the build happened to leave behind (a change to the build alone once moved the old
    figure, the peak beyond the build's peak, from 317 to 180 bytes an order at 1x). Elsewhere,
    without a warm-up, the baseline is the peak after the build.

    With ``reference`` (the 1x scenario), that scenario's speed is measured in the same process
    too, after the first run's memory is read: batches of its replications, each batch as many
    orders as one big run, interleaved with the big runs (big, batch, big, batch, ...), so that
    both sizes see the same state of a shared machine; the fastest batch is reported. (Equal
    work matters: the fastest of several short batches would catch the machine's quick moments
    more often than the fastest of as many long runs, biasing the ratio against the big size.)"""
    from sim.config.load import load_scenario
    from sim.model.replication import simulate
    from sim.world.build import build_world

    rss_imports = _rss_bytes()
    clean = clean_baseline() is not None
    if clean:
        simulate(build_world(load_scenario(WARM_UP)), seed)  # freed at once
    t0 = time.process_time()
    world = build_world(load_scenario(path))
    t1 = time.process_time()
    rss_world = _rss_bytes()
    rss_base = clean_baseline() if clean else None
    times, rss_peak, orders = [], 0, 0
    ref_world, ref_rates = None, []
    for k in range(repeat):
        start = time.process_time()
        orders = len(simulate(world, seed).orders)
        times.append(time.process_time() - start)
        if k == 0:
            rss_peak = _rss_bytes()
            if reference is not None:
                ref_world = build_world(load_scenario(reference))
        if ref_world is not None:
            ref_orders = len(simulate(ref_world, seed).orders)  # also sizes the batch
            batch = max(1, round(orders / ref_orders))
            start = time.process_time()
            for _ in range(batch):
                simulate(ref_world, seed)
            ref_rates.append(batch * ref_orders / (time.process_time() - start))
    out = {
        "places": world.n_places,
        "teams": len(world.teams),
        "orders": orders,
        "build_s": t1 - t0,
        "sim_s": min(times),
        "sim_s_all": times,
        "rss_imports": rss_imports,
        "rss_world": rss_world,
        "rss_peak": max(rss_world, rss_peak),  # the process's peak (the reset hides the build's)
        "rss_run_peak": rss_peak,
        "rss_base": rss_base if rss_base is not None else rss_world,
        "clean_baseline": rss_base is not None,
    }
    if ref_rates:
        out["reference_orders_per_s"] = max(ref_rates)
    return out


def main(argv: list[str]) -> int:
    """``scale.py N [REPEAT]``: build the N-times scenario in a temp folder, run it REPEAT
    times (default 1), print its measures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("copies", type=int, help="copies of the default scenario (1 = the county itself)")
    parser.add_argument("repeat", type=int, nargs="?", default=1, help="runs; the fastest counts (default 1)")
    args = parser.parse_args(argv)
    n, repeat = args.copies, args.repeat
    with tempfile.TemporaryDirectory() as folder:
        path = make_copies(n, Path(folder)) if n > 1 else BASE
        reference = BASE if n > 1 else None
        print(json.dumps({"copies": n, **measure(path, repeat=repeat, reference=reference)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
