"""Reference workload W2 three ways: Red Vest's engine, a bare heapq event loop, idiomatic SimPy.

W2 (three tiers): 50 villages with 2 volunteers each and Poisson orders at 0.5 per hour each;
exponential service with mean 60 minutes; an order not accepted within 30 minutes escalates to
its town (16 towns, a station of 3 volunteers, villages assigned round-robin), and after 120 more
minutes to the county (a team of 5 at the county seat, town 0); no travel, no cancellation,
everyone always on duty.

The ladder is a handover (Red Vest's ``dispatch.scope: handover`` with ``keep_lower_scope:
false``): tier 1 = the order's village team; tier 2 = its town's station alone; tier 3 = the
county team alone. Each team serves the one queue of its tier; an order that escalates leaves
the lower queue. A freed volunteer takes the order at the head of its queue, earliest (deadline
day, time it joined the queue) first; all trips take 0 minutes. Team ids follow Red Vest's
order: village teams town by town, then the 16 stations, then the county team.

Each model returns ``(t_placed, wait_min, tier_max)`` arrays, one entry per order that was
assigned; :func:`summary` turns them into escalation shares and mean waits with batch-means
confidence intervals. :func:`run_simpy_floor` is not a model of W2: it times SimPy's public API
alone on W2's orders (two timeouts an order), the part of any SimPy model's time no model code
can remove.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

SCENARIO = Path(__file__).resolve().parent / "w2.yaml"


@dataclass(frozen=True)
class W2:
    """Parameters of the workload (minutes, orders per minute)."""

    villages: int = 50
    towns: int = 16
    village_size: int = 2
    town_size: int = 3
    county_size: int = 5
    rate_per_min: float = 0.5 / 60.0
    service_mean: float = 60.0
    to_town_min: float = 30.0
    to_county_min: float = 120.0
    days: float = 300.0

    def layout(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """Team ids in Red Vest's order (village teams town by town, stations, county):
        (team of each village, town of each village, town of each team, capacity of each
        team)."""
        village_team = [0] * self.villages
        team_town: list[int] = []
        capacity: list[int] = []
        for town in range(self.towns):
            for v in range(town, self.villages, self.towns):
                village_team[v] = len(team_town)
                team_town.append(town)
                capacity.append(self.village_size)
        for town in range(self.towns):
            team_town.append(town)
            capacity.append(self.town_size)
        team_town.append(0)  # the county team lives at the county seat, town 0
        capacity.append(self.county_size)
        village_town = [v % self.towns for v in range(self.villages)]
        return village_team, village_town, team_town, capacity


def arrivals(w: W2, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson orders of every village over the horizon: sorted (time, village, service)."""
    horizon = w.days * 1440.0
    counts = rng.poisson(w.rate_per_min * horizon, size=w.villages)
    times = rng.random(counts.sum()) * horizon
    village = np.repeat(np.arange(w.villages), counts)
    order = np.argsort(times, kind="stable")
    service = rng.exponential(w.service_mean, size=len(times))
    return times[order], village[order], service


def run_heapq(w: W2, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W2 as a minimal hand-written event loop (heapq of (time, seq, kind, arg))."""
    times, village, service = arrivals(w, np.random.default_rng(seed))
    times_l, village_l, service_l = times.tolist(), village.tolist(), service.tolist()
    village_team, village_town, team_town, capacity = w.layout()
    n_teams, horizon = len(capacity), w.days * 1440.0
    station = [n_teams - 1 - w.towns + t for t in range(w.towns)]
    county = n_teams - 1
    free = capacity[:]
    n = len(times_l)
    waiting = [True] * n
    tier = [1] * n
    assigned = [math.nan] * n
    # each team's one queue and the tier it serves
    queue: list[list] = [[] for _ in range(n_teams)]
    queue_tier = [1] * n_teams
    for team in station:
        queue_tier[team] = 2
    queue_tier[county] = 3
    events: list = []
    seq = 0
    ARRIVE, ESCALATE, FREE = 0, 1, 2

    def offer(o: int, team: int, now: float) -> None:
        """Assign order o to team if it has a free volunteer, else queue it there."""
        nonlocal seq
        seq += 1
        if free[team] > 0:
            waiting[o] = False
            assigned[o] = now
            free[team] -= 1
            heapq.heappush(events, (now + service_l[o], seq, FREE, team))
        else:
            heapq.heappush(queue[team], (times_l[o] // 1440.0, seq, o))
            if tier[o] < 3:
                seq += 1
                delay = w.to_town_min if tier[o] == 1 else w.to_county_min
                heapq.heappush(events, (now + delay, seq, ESCALATE, o))

    if n:
        events.append((times_l[0], 0, ARRIVE, 0))
    while events:
        now, _, kind, arg = heapq.heappop(events)
        if now >= horizon:
            break
        if kind == ARRIVE:
            o = arg
            if o + 1 < n:
                seq += 1
                heapq.heappush(events, (times_l[o + 1], seq, ARRIVE, o + 1))
            offer(o, village_team[village_l[o]], now)
        elif kind == ESCALATE:
            o = arg
            if waiting[o]:
                tier[o] += 1
                offer(o, station[village_town[village_l[o]]] if tier[o] == 2 else county, now)
        else:
            team = arg
            free[team] += 1
            q, t = queue[team], queue_tier[team]
            while q:
                o = heapq.heappop(q)[2]
                if waiting[o] and tier[o] == t:  # skip orders taken or escalated away
                    waiting[o] = False
                    assigned[o] = now
                    free[team] -= 1
                    seq += 1
                    heapq.heappush(events, (now + service_l[o], seq, FREE, team))
                    break
    done = ~np.isnan(np.asarray(assigned))
    return times[done], (np.asarray(assigned) - times)[done], np.asarray(tier)[done]


def run_simpy(w: W2, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W2 as an idiomatic SimPy model: one process per order, ``request | timeout`` escalation."""
    import simpy

    times, village, service = arrivals(w, np.random.default_rng(seed))
    village_team, village_town, team_town, capacity = w.layout()
    env = simpy.Environment()
    teams = [simpy.PriorityResource(env, capacity=c) for c in capacity]
    station = [teams[len(teams) - 1 - w.towns + t] for t in range(w.towns)]
    county = teams[-1]
    placed: list[float] = []
    waits: list[float] = []
    tiers: list[int] = []

    def order(t_placed: float, v: int, service_min: float):
        day = int(t_placed // 1440.0)
        tier, team = 1, teams[village_team[v]]
        request = team.request(priority=day)
        for tier_next, patience, team_next in (
            (2, w.to_town_min, station[village_town[v]]),
            (3, w.to_county_min, county),
        ):
            yield request | env.timeout(patience)
            if request.triggered:
                break
            request.cancel()  # hand the order over to the next tier
            tier, team = tier_next, team_next
            request = team.request(priority=day)
        else:
            yield request
        placed.append(t_placed)
        waits.append(env.now - t_placed)
        tiers.append(tier)
        yield env.timeout(service_min)
        team.release(request)

    def source():
        for t, v, s in zip(times.tolist(), village.tolist(), service.tolist()):
            yield env.timeout(t - env.now)
            env.process(order(t, v, s))

    env.process(source())
    env.run(until=w.days * 1440.0)
    return np.asarray(placed), np.asarray(waits), np.asarray(tiers)


def run_simpy_floor(w: W2, seed: int) -> tuple[int, int]:
    """SimPy's public-API floor for W2's orders: each order's arrival and its release as
    timeouts with a callback (a chain of arrivals, each booking the next, as Red Vest's engine
    books them), and nothing else: no team, no queue, no escalation. The time it takes is what
    any model on SimPy's public API pays for W2's two events an order. Returns the arrivals and
    the releases processed before the horizon."""
    import simpy

    times, _, service = arrivals(w, np.random.default_rng(seed))
    times_l, service_l = times.tolist(), service.tolist()
    n, horizon = len(times_l), w.days * 1440.0
    env = simpy.Environment()
    timeout = env.timeout
    processed = [0, 0]  # arrivals, releases

    def release(event) -> None:
        processed[1] += 1

    def arrive(event) -> None:
        k = event.value
        processed[0] += 1
        timeout(service_l[k]).callbacks.append(release)
        if k + 1 < n:
            timeout(times_l[k + 1] - env.now, k + 1).callbacks.append(arrive)

    if n:
        timeout(times_l[0], 0).callbacks.append(arrive)
    env.run(until=horizon)
    return processed[0], processed[1]


def run_redvest(seed: int, days: float | None = None, world=None):
    """W2 run by Red Vest's real engine from benchmarks/w2/w2.yaml; also returns the world."""
    from sim.config.load import load_scenario
    from sim.model.replication import simulate
    from sim.world.build import build_world

    if world is None:
        scenario = load_scenario(SCENARIO)
        if days is not None:
            import dataclasses

            scenario = dataclasses.replace(scenario, run=dataclasses.replace(scenario.run, days=days))
        world = build_world(scenario)
    orders = simulate(world, seed).orders
    done = ~np.isnan(orders.t_assigned)
    return (
        (
            orders.t_placed[done],
            (orders.t_assigned - orders.t_placed)[done],
            orders.tier_max[done].astype(int),
        ),
        len(orders),
        world,
    )


def summary(
    t_placed: np.ndarray, wait: np.ndarray, tier: np.ndarray, days: float, batches: int = 20
) -> dict[str, tuple[float, float]]:
    """(mean, 95% half-width) of the shares escalated to town and county and of the mean wait
    (minutes), over orders placed before the last day, by batch means over equal day blocks."""
    keep = t_placed < (days - 1) * 1440.0
    t_placed, wait, tier = t_placed[keep], wait[keep], tier[keep]
    batch = np.minimum((t_placed / ((days - 1) * 1440.0) * batches).astype(int), batches - 1)
    out = {}
    for name, values in (("to_town", tier >= 2), ("to_county", tier >= 3), ("wait_min", wait)):
        means = np.array([values[batch == b].mean() for b in range(batches)])
        half = stats.t.ppf(0.975, batches - 1) * means.std(ddof=1) / math.sqrt(batches)
        out[name] = (float(values.mean()), float(half))
    return out
