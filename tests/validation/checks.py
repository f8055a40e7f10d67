"""Validation checks: the simulator against exact queueing results and its own invariants.

Each check runs replications of a one-place scenario (``data/mmc.yaml``: c volunteers always on
duty, Poisson orders, exponential service, no travel) and compares a per-replication estimate's
95% t interval with the analytic value. The tests in this folder and
``scripts/validation_report.py`` (which writes ``docs/validation.md``) call the same functions.

Estimates use the orders placed inside the measured window (after warm-up); the drain period
keeps orders arriving, so the queue stays stationary until every measured order has its answer.
Wait = ``t_assigned - t_placed`` (acceptance delay 0, so it is also the response time).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.config.load import load_scenario
from sim.config.scenario import Scenario
from sim.config.spec import Dist
from sim.experiments.runner import run_replications
from sim.model.rng import Streams, replication_seeds
from sim.model.roster import on_duty_by_hour
from sim.results.logs import CANCELLED, CLOSED, OPEN, RunLog
from sim.results.stats import summarise
from sim.results.workload import backlog_series
from sim.world.build import World, build_world
from tests.validation import queueing

DATA = Path(__file__).parent / "data"
HUGE = 1e9
# About 25 statistical checks: at 95% each, one or two would miss by chance alone, so the gate
# (tests, verdict) uses the Bonferroni level 1 - 0.05/25 for a 5% family-wise false alarm rate;
# the 95% interval is reported beside it.
FAMILY = 25
GATE_LEVEL = 1 - 0.05 / FAMILY
# An interval that holds the analytic value shows no contradiction, not agreement: a wide one
# would hold a wrong value too. So each check's 95% interval must also lie within a margin of
# the analytic value: 20% of it (the noisiest check, the M/M/5 mean wait at rho 0.9, reaches
# about 18%), or, for Little's law (analytic 0), 0.05 orders.
RELATIVE_MARGIN = 0.20
ABSOLUTE_MARGIN = 0.05  # orders, where the analytic value is 0


@dataclass
class Check:
    """One comparison: an analytic value against a simulated 95% interval."""

    group: str
    name: str
    analytic: float
    mean: float
    low: float
    high: float
    reps: int
    gate_low: float
    gate_high: float
    note: str = ""

    @property
    def inside_95(self) -> bool:
        """The analytic value lies inside the simulated 95% interval."""
        return self.low <= self.analytic <= self.high

    @property
    def passed(self) -> bool:
        """The analytic value lies inside the family-wise (Bonferroni) interval."""
        return self.gate_low <= self.analytic <= self.gate_high

    @property
    def distance(self) -> float:
        """How far the 95% interval reaches from the analytic value: the farther end's distance,
        relative to the analytic value (absolute where it is 0)."""
        far = max(abs(self.low - self.analytic), abs(self.high - self.analytic))
        return far / abs(self.analytic) if self.analytic else far

    @property
    def agrees(self) -> bool:
        """The whole 95% interval lies within the margin of the analytic value
        (:data:`RELATIVE_MARGIN`, or :data:`ABSOLUTE_MARGIN` where the value is 0)."""
        return self.distance <= (RELATIVE_MARGIN if self.analytic else ABSOLUTE_MARGIN)

    @property
    def verdict(self) -> str:
        """'pass' (inside the 95% CI), 'pass (family-wise)' or 'FAIL'."""
        if self.inside_95:
            return "pass"
        return "pass (family-wise)" if self.passed else "FAIL"


@dataclass(frozen=True)
class Setting:
    """A one-place queue: arrival rate and service rate per minute, c volunteers."""

    label: str
    lam: float
    mu: float
    c: int
    days: float
    reps: int
    theta: float = 0.0  # abandonment rate per minute (Erlang A); 0 = infinitely patient
    timeout: float = HUGE  # village timeout before escalating to the town (minutes)
    town_members: int = 0
    warmup_days: float = 2.0
    seed: int = 20260101

    @property
    def rho(self) -> float:
        """Offered load per volunteer."""
        return self.lam / (self.c * self.mu)


# Service means of 30 minutes; loads from light to heavy (rho 0.9).
MMC_SETTINGS = [
    Setting("M/M/1, rho 0.5", lam=1 / 60, mu=1 / 30, c=1, days=60, reps=20),
    Setting("M/M/3, rho 0.7", lam=0.07, mu=1 / 30, c=3, days=40, reps=20),
    Setting("M/M/5, rho 0.9", lam=0.15, mu=1 / 30, c=5, days=60, reps=20),
]
ERLANG_A = Setting(
    "M/M/3+M, rho 1.0, patience 60 min", lam=0.1, mu=1 / 30, c=3, days=40, reps=20, theta=1 / 60
)
ESCALATION = Setting(
    "M/M/2+D, rho 0.8, village timeout 10 min",
    lam=0.08 / 1.5,
    mu=1 / 30,
    c=2,
    days=60,
    reps=20,
    timeout=10.0,
    town_members=50,
)


def scenario_for(setting: Setting) -> Scenario:
    """The one-place scenario of a setting (population 1000, so rate/1000/day = lam x 1440)."""
    base = load_scenario(DATA / "mmc.yaml")
    patience = Dist("exponential", 1 / setting.theta) if setting.theta > 0 else Dist("fixed", HUGE)
    item = dataclasses.replace(base.catalog[0], service=Dist("exponential", 1 / setting.mu))
    teams = base.teams
    teams = dataclasses.replace(
        teams,
        village_members_community=setting.c,
        town=dataclasses.replace(teams.town, members=setting.town_members),
    )
    return dataclasses.replace(
        base,
        catalog=[item],
        teams=teams,
        demand=dataclasses.replace(
            base.demand,
            orders_per_1000_per_day=setting.lam * 1440,
            patience={"urban": patience, "rural": patience},
        ),
        dispatch=dataclasses.replace(
            base.dispatch, timeouts_min={"urban": [setting.timeout, HUGE], "rural": [setting.timeout, HUGE]}
        ),
        run=dataclasses.replace(
            base.run,
            days=setting.days,
            warmup_days=setting.warmup_days,
            drain_days=1.0,
            reps=setting.reps,
            seed=setting.seed,
        ),
    )


def simulate_setting(setting: Setting, jobs: int = 2) -> list[RunLog]:
    """The logs of every replication of a setting."""
    scenario = scenario_for(setting)
    results = run_replications(scenario, setting.reps, setting.seed, jobs=jobs, progress=False)
    return [r.log for r in results]


def _window(log: RunLog) -> np.ndarray:
    start, end = log.window_min
    return (log.orders.t_placed >= start) & (log.orders.t_placed < end)


def _check(group: str, name: str, analytic: float, values: list[float], note: str = "") -> Check:
    s, gate = summarise(values), summarise(values, GATE_LEVEL)
    return Check(
        group,
        name,
        float(analytic),
        s["mean"],
        s["low"],
        s["high"],
        int(s["n"]),
        gate["low"],
        gate["high"],
        note,
    )


def _waiting_time_average(log: RunLog) -> float:
    """Time-average number of orders waiting, from the hourly backlog series over the window
    (the settings' orders are catalogue orders, all of which the backlog counts)."""
    start, end = log.window_min
    return float(backlog_series(log)[int(start // 60) : int(end // 60)].mean())


def _little(group: str, logs: list[RunLog], wait_end) -> Check:
    """Little's law: hourly-sampled backlog minus arrival rate x mean time waiting, per rep."""
    diffs = []
    for log in logs:
        o, inside = log.orders, _window(log)
        start, end = log.window_min
        rate = inside.sum() / (end - start)
        waited = wait_end(o)[inside] - o.t_placed[inside]
        diffs.append(_waiting_time_average(log) - rate * float(np.mean(waited)))
    return _check(
        group,
        "Little: L - lambda W (orders)",
        0.0,
        diffs,
        "L = mean of the hourly backlog series (sim.results.workload.backlog_series)",
    )


def mmc_checks(setting: Setting, logs: list[RunLog] | None = None) -> list[Check]:
    """Erlang C: P(wait > 0), mean wait, P(wait > 1/mu), mean number waiting, Little's law."""
    logs = logs if logs is not None else simulate_setting(setting)
    lam, mu, c = setting.lam, setting.mu, setting.c
    t = 1 / mu
    waits = [log.orders.t_assigned[_window(log)] - log.orders.t_placed[_window(log)] for log in logs]
    g = setting.label
    return [
        _check(g, "P(wait > 0)", queueing.erlang_c(c, lam / mu), [np.mean(w > 0) for w in waits]),
        _check(g, "mean wait (min)", queueing.mmc_mean_wait(lam, mu, c), [np.mean(w) for w in waits]),
        _check(
            g,
            f"P(wait > {t:.0f} min)",
            queueing.mmc_wait_tail(lam, mu, c, t),
            [np.mean(w > t) for w in waits],
        ),
        _check(
            g,
            "mean number waiting",
            queueing.mmc_mean_waiting(lam, mu, c),
            [_waiting_time_average(log) for log in logs],
        ),
        _little(g, logs, lambda o: o.t_assigned),
    ]


def erlang_a_checks(setting: Setting = ERLANG_A, logs: list[RunLog] | None = None) -> list[Check]:
    """Erlang A: share cancelled, mean wait of served orders, mean number waiting, Little."""
    logs = logs if logs is not None else simulate_setting(setting)
    theory = queueing.erlang_a(setting.lam, setting.mu, setting.c, setting.theta)
    cancelled, served_wait = [], []
    for log in logs:
        o, inside = log.orders, _window(log)
        cancelled.append(float(np.mean(o.outcome[inside] == CANCELLED)))
        served = inside & ~np.isnan(o.t_assigned)
        served_wait.append(float(np.mean(o.t_assigned[served] - o.t_placed[served])))
    g = setting.label
    return [
        _check(g, "share cancelled", theory["abandon"], cancelled),
        _check(g, "mean wait of served orders (min)", theory["mean_wait_served"], served_wait),
        _check(
            g, "mean number waiting", theory["mean_waiting"], [_waiting_time_average(log) for log in logs]
        ),
        _little(g, logs, lambda o: np.fmin(o.t_assigned, o.t_cancelled)),
    ]


def escalation_checks(setting: Setting = ESCALATION, logs: list[RunLog] | None = None) -> list[Check]:
    """Village M/M/c+D with ample town capacity: share escalated = P(V > T), and the village's
    served share and mean time in its queue (E[min(V, T)])."""
    logs = logs if logs is not None else simulate_setting(setting)
    theory = queueing.mmc_d(setting.lam, setting.mu, setting.c, setting.timeout)
    escalated, by_town_at_t, village_wait, waited = [], [], [], []
    for log in logs:
        o, inside = log.orders, _window(log)
        up = inside & (o.tier_max >= 2)
        escalated.append(float(up.sum() / inside.sum()))
        # escalated orders are taken by the town the moment they escalate
        by_town_at_t.append(
            float(np.mean(np.abs(o.t_assigned[up] - o.t_placed[up] - setting.timeout) < 1e-6))
        )
        village_wait.append(
            float(np.mean(np.minimum(o.t_assigned[inside] - o.t_placed[inside], setting.timeout)))
        )
        waited.append(float(np.mean(o.t_assigned[inside] > o.t_placed[inside])))
    g = setting.label
    return [
        _check(g, "share escalated = P(V > T)", theory["leave"], escalated),
        _check(g, "P(wait > 0)", theory["wait_positive"], waited),
        _check(g, "mean time in village queue E[min(V, T)] (min)", theory["mean_wait_capped"], village_wait),
        _check(
            g,
            "escalated orders taken by the town at T",
            1.0,
            by_town_at_t,
            "ample town capacity: no wait at the town",
        ),
        _check(
            g, "mean number waiting", theory["mean_waiting"], [_waiting_time_average(log) for log in logs]
        ),
        _little(g, logs, lambda o: o.t_assigned),
    ]


# ---------------------------------------------------------------------- invariants
@dataclass
class Invariants:
    """Violations of the model's conservation rules in one replication (all should be 0)."""

    placed: int
    closed: int
    cancelled: int
    open: int
    outcome_mismatch: int  # outcome label disagrees with the timestamps
    assigned_and_cancelled: int
    over_capacity: int  # assignments after which a team's busy count exceeds its on-duty count
    off_duty: int  # assignments to a team with nobody on duty

    @property
    def ok(self) -> bool:
        """Every count balances and no rule is broken."""
        return (
            self.placed == self.closed + self.cancelled + self.open
            and self.outcome_mismatch
            == self.assigned_and_cancelled
            == self.over_capacity
            == self.off_duty
            == 0
        )


def invariants(log: RunLog, world: World, seed: np.random.SeedSequence) -> Invariants:
    """Check one replication's log against the conservation rules.

    The busy count of a team at an assignment instant is the number of volunteers in order
    intervals ``[t_assigned, t_released)`` plus those pulled into activities ``[t_start, t_end)``;
    it may exceed the on-duty count later (a shift ends while they finish), never at the moment
    of an assignment. On-duty counts are rebuilt from the same seed's availability streams.
    """
    o, a = log.orders, log.activities
    h = log.horizon_min
    hours = int(math.ceil(h / 60.0))
    scenario = world.scenario
    on_duty = on_duty_by_hour(
        world.teams, hours, scenario.run.start_weekday, scenario.teams.show_up, Streams(seed)
    )
    closed_t = ~np.isnan(o.t_closed)
    cancelled_t = ~np.isnan(o.t_cancelled)
    expected = np.where(cancelled_t, CANCELLED, np.where(closed_t, CLOSED, OPEN))
    assigned = np.flatnonzero(~np.isnan(o.t_assigned))
    over = off = 0
    ends = np.where(np.isnan(o.t_released), np.inf, o.t_released)
    for team in np.unique(o.team[assigned]):
        mine = assigned[o.team[assigned] == team]
        starts, stops, need = o.t_assigned[mine], ends[mine], o.volunteers[mine]
        acts = a.team == team if len(a.t_start) else np.zeros(0, dtype=bool)
        a_start, a_end, a_pulled = a.t_start[acts], a.t_end[acts], a.pulled[acts]
        for t in starts:
            busy = int(need[(starts <= t) & (stops > t)].sum())
            busy += int(a_pulled[(a_start <= t) & (a_end > t)].sum())
            duty = int(on_duty[team, min(int(t // 60), hours - 1)])
            off += duty == 0
            over += busy > duty
    return Invariants(
        placed=len(o),
        closed=int((o.outcome == CLOSED).sum()),
        cancelled=int((o.outcome == CANCELLED).sum()),
        open=int((o.outcome == OPEN).sum()),
        outcome_mismatch=int((expected != o.outcome).sum()),
        assigned_and_cancelled=int((~np.isnan(o.t_assigned) & cancelled_t).sum()),
        over_capacity=over,
        off_duty=off,
    )


def invariant_runs(scenario: Scenario, reps: int, seed: int) -> list[Invariants]:
    """Invariants of ``reps`` replications of a scenario (logs kept in memory one at a time)."""
    world = build_world(scenario)
    out = []
    for i, child in enumerate(replication_seeds(seed, reps)):
        log = run_replications(scenario, 1, seed, first=i, world=world, progress=False)[0].log
        out.append(invariants(log, world, child))
    return out
