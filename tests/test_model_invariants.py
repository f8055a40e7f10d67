"""Property-based stress test of the SimPy model (sim/model/): small random scenarios, variants of
the five-place test county (tests/data/tiny.yaml), each combining mechanisms that the other tests
switch on one or two at a time (dispatch.scope widen/handover, keep_lower_scope, dispatch.rule,
hand-ups, alerts, a surge per order or batched with call-ups, proxy points, mediation rooms,
packages, pairing projects, the professional route, short timeouts and patience, small teams and
high demand, the ferry, activities, appointments, orders needing two volunteers). Each run is
checked against invariants of the run log and, through ``rep.hooks``, during the run:

* every order ends in exactly one state (closed, cancelled, open); its times are ordered
  (booked <= placed <= tier2 <= tier3 <= assigned <= accepted <= arrived <= closed <= released,
  the review, hand-up and first alert in between) and all before the horizon; a cancelled order
  was never assigned, and was cancelled at placement plus its patience; escalations happen at
  once (a scope without the skill) or after the channel's timeout, never otherwise;
* an assigned order's team could serve it: its skill, and its scope at the tier it was taken
  (docs/model.md: village, town and county scopes under widen/handover and keep_lower_scope; the
  hand-up's declining team never; an order that left its village under keep_lower_scope false
  not its village's own teams; a package no higher than packages.top_tier; a professional order
  only by the selected organisation until its fallback; a batch by a designated team);
* at every hook, each team's busy volunteers (on duty less spare) are exactly those of its
  orders in hand, batch crews out and activities under way, never negative, and a team that
  takes an order has the volunteers for it (spare >= 0 after the take);
* after a release (the team has taken its waiting work), no order the freed team could serve
  waits in a queue it sees; without alerts, an order placed or escalated waits only if no free
  team in its scope could take it;
* batched orders were taken by a designated team, agree with their batch, and neither they nor
  the orders of channels whose citizens never cancel are ever cancelled;
* the same seed gives byte-identical logs twice, and the logs do not depend on PYTHONHASHSEED.

The oracle of who may serve what is written from docs/model.md, independently of the
dispatcher's own index (``World.tier1_teams``, ``tier2_team``, ``Dispatcher.barred`` are not used).

The two tests at the end hold the reductions of a defect these scenarios found: a lower tier's
team kept in scope by keep_lower_scope did not see an order that entered a higher tier without
waiting in its tier's queue. ``-m slow`` runs 480 more scenarios.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.config.channels import CHANNELS
from sim.config.teams import TEAM_LEVELS
from sim.model.orders import ASSIGNED, WAITING
from sim.model.replication import Replication
from sim.results.logs import OUTCOMES
from sim.world.build import World, build_world
from tests.conftest import variant

ROOT = Path(__file__).resolve().parent.parent
EPS = 1e-6

LEVEL = {name: k for k, name in enumerate(TEAM_LEVELS)}
CHANNEL_LEVELS = {LEVEL["proxy_point"], LEVEL["mediation_room"]}
VILLAGE_LEVELS = {LEVEL["village"]} | CHANNEL_LEVELS
COUNTY_LEVELS = {LEVEL["county"], LEVEL["subcenter"], LEVEL["professional"]}
CLOSED, CANCELLED, OPEN = (OUTCOMES.index(x) for x in ("closed", "cancelled", "open"))
PROFESSIONAL, PACKAGE = CHANNELS.index("professional"), CHANNELS.index("package")

FAST_SEEDS = list(range(120))
SLOW_SEEDS = list(range(120, 600))


# ---------------------------------------------------------------------- random scenarios
def _hours(rng, share):
    """A day schedule of 24 shares: office hours, round the clock, or a random patchwork."""
    kind = rng.integers(3)
    if kind == 0:
        return [0.0] * 8 + [share] * 10 + [0.0] * 6
    if kind == 1:
        return [share] * 24
    return [float(rng.choice([0.0, share / 2, share, 2 * share])) for _ in range(24)]


def _dist(rng, mean):
    kind = rng.integers(3)
    if kind == 0:
        return {"kind": "fixed", "mean": float(mean)}
    if kind == 1:
        return {"kind": "lognormal", "mean": float(mean), "cv": 0.5}
    return {"kind": "exponential", "mean": float(mean)}


def random_overrides(seed: int, folder: Path) -> dict:
    """The overrides of one random variant of the tiny county (deterministic in ``seed``)."""
    rng = np.random.default_rng(seed)
    pick = lambda *xs: xs[int(rng.integers(len(xs)))]  # noqa: E731
    flag = lambda p=0.5: bool(rng.random() < p)  # noqa: E731
    mediation = flag(0.35)
    proxy = flag(0.35)
    packages = flag(0.35)
    projects = flag(0.3)
    two_people = flag(0.4)
    catalog = [
        {"id": "errand", "skill": "errand", "share": 0.6, "service": _dist(rng, 30)},
        {"id": "repair", "skill": "repair", "share": 0.1, "service": _dist(rng, 60)},
        {"id": "legal", "skill": "legal", "share": 0.1, "professional": True, "service": _dist(rng, 60)},
        {
            "id": "clean",
            "skill": "errand",
            "share": 0.1 if two_people else 0.0,
            "volunteers": 2,
            "service": _dist(rng, 40),
        },
    ]
    if mediation:
        catalog.append(
            {
                "id": "dispute",
                "skill": "mediation",
                "share": 0.1,
                "channel": "mediation",
                "service": _dist(rng, 90),
            }
        )
    if proxy:
        catalog.append(
            {
                "id": "papers",
                "skill": "proxy_errand",
                "share": 0,
                "channel": "proxy",
                "service": _dist(rng, 60),
            }
        )
    if packages:
        catalog.append(
            {"id": "meal", "skill": "errand", "share": 0, "channel": "package", "service": _dist(rng, 30)}
        )
    if projects:
        catalog.append(
            {
                "id": "project",
                "skill": "pairing_project",
                "share": 0,
                "channel": "pairing",
                "service": _dist(rng, 60),
            }
        )
    catalog[0]["share"] = round(1.0 - sum(item["share"] for item in catalog[1:]), 6)
    share = float(pick(0.1, 0.2, 0.3))
    schedules = {
        "day": {"weekday": _hours(rng, share), "weekend": _hours(rng, share)},
        "office": {"weekday": _hours(rng, share), "weekend": pick([0.0] * 24, _hours(rng, share))},
        "points": {"weekday": _hours(rng, 0.5), "weekend": [0.0] * 24},
        "rooms": {"weekday": _hours(rng, 0.5), "weekend": _hours(rng, 0.5)},
    }
    urban = [float(pick(1, 2, 5)), float(pick(3, 5, 10))]
    rural = [float(pick(5, 10, 30)), float(pick(10, 30, 60))]
    days = int(pick(1, 2, 3))
    out: dict = {
        "catalog": catalog,
        "schedules": schedules,
        "demand": {
            "orders_per_1000_per_day": float(pick(0.5, 2.0, 6.0, 15.0)),
            "patience": {
                "urban": pick(_dist(rng, 20), _dist(rng, 90), {"kind": "fixed", "mean": 100000}),
                "rural": pick(_dist(rng, 40), _dist(rng, 300), {"kind": "fixed", "mean": 100000}),
            },
            "acceptance_delay": pick(
                {"kind": "fixed", "mean": 2},
                {"kind": "uniform", "low": 1, "high": 5},
                {"kind": "exponential", "mean": 3},
            ),
            "appointments": {"share": float(pick(0.0, 0.0, 0.2))},
        },
        "teams": {
            "village_members_community": int(pick(1, 2, 5, 10)),
            "village_members_village": int(pick(1, 2, 5, 10)),
            "village_skills": pick(["errand"], ["errand", "repair"]),
            "town": {
                "members": int(pick(0, 3, 10)),
                "skills": pick(["errand", "repair"], ["repair"]),
                "schedule": "day",
            },
            "county": {
                "name": "center",
                "count": 1,
                "members": int(pick(0, 5, 10)),
                "skills": ["errand", "repair"],
                "schedule": "day",
            },
            "professional": [
                {"name": "legal", "members": int(pick(2, 10)), "skills": ["legal"], "schedule": "office"}
            ],
            "show_up": float(pick(1.0, 0.8)),
        },
        "dispatch": {
            "scope": pick("widen", "handover"),
            "keep_lower_scope": flag(),
            "rule": pick("nearest", "edf", "least_loaded"),
            "timeouts_min": {"urban": urban, "rural": rural},
        },
        "admin": {
            "after_hours": pick("next_morning", "on_call"),
            "selection": pick("professional_first", "nearest"),
            "choose": pick("least_loaded", "nearest"),
            "fallback_after_min": float(pick(20, 90, 240)),
            "patience": pick(None, _dist(rng, 120)),
        },
        "activities": {"per_month": float(pick(0, 0, 150, 600)), "levels": ["village", "town", "county"]},
        "run": {
            "days": days,
            "warmup_days": 0,
            "drain_days": 1,
            "seed": seed,
            "start_weekday": int(rng.integers(7)),
        },
    }
    if flag(0.3):
        out["teams"]["additions"] = [
            {"town": pick("Alpha", "Beta"), "hours": pick([18, 23], [22, 7]), "volunteers": int(pick(1, 2))}
        ]
    if flag(0.3):
        out["teams"]["subcenters"] = [
            {"name": "aid", "members": 4, "skills": pick(["errand"], ["legal", "errand"]), "schedule": "day"}
        ]
    if flag(0.4):
        out["geography"] = {
            "travel": {
                "ferry": {
                    "island_towns": ["Isle"],
                    "port_town": "Alpha",
                    "departures": pick(["08:00", "13:00"], ["07:30", "10:00", "16:00"]),
                    "crossing_min": float(pick(20, 60)),
                }
            }
        }
    if flag(0.5):
        hand_up = {"share": float(pick(0.3, 1.0))}
        if flag():
            hand_up["items"] = ["errand"]
        out["dispatch"]["hand_up"] = hand_up
    if flag(0.5):
        out["dispatch"]["alerts"] = {
            "accept_probability": float(pick(0.3, 0.7, 1.0)),
            "wave_size": int(pick(1, 2, 5)),
            "wave_interval_min": float(pick(2, 5, 10)),
            "staff_reach_min": float(pick(5, 30)),
            "beyond_reach_factor": float(pick(0.2, 1.0)),
            "turnout_day": pick({"kind": "fixed", "mean": 1}, {"kind": "uniform", "low": 0, "high": 4}),
            "turnout_night": {"kind": "fixed", "mean": 5},
        }
    if mediation:
        out["mediation"] = {
            "place_kinds": ["village"],
            "members": int(pick(1, 2)),
            "schedule": "rooms",
            "village_timeout_min": float(pick(30, 120)),
            "deadline_days": 2,
        }
        out["teams"].setdefault("subcenters", []).append(
            {"name": "justice", "members": 4, "skills": ["mediation"], "schedule": "office"}
        )
    if proxy:
        out["proxy"] = {
            "members": int(pick(5, 20)),
            "split": "even",
            "errands_per_day": float(pick(5, 30)),
            "item": "papers",
            "schedule": "points",
            "deadline_days": 3,
        }
    if packages:
        out["packages"] = {
            "top_tier": int(pick(1, 2, 3)),
            "kinds": {
                "meals": {
                    "item": "meal",
                    "recipients_per_1000": float(pick(0.5, 2.0)),
                    "every_days": int(pick(1, 2)),
                    "start": pick("07:00", "09:30", "17:45"),
                    "due_within_min": float(pick(120, 300)),
                }
            },
        }
    if projects or flag(0.3):
        pairs = folder / f"pairs{seed}.csv"
        pairs.write_text(
            "village_code,unit_kind,unit_name,home_code\nB2,firm,firm-1,A1\nA2,firm,firm-2,B1\n",
            encoding="utf-8",
        )
        skills = pick(["errand"], ["errand", "repair"])
        out["pairing"] = {
            "strategy": "listed",
            "file": str(pairs),
            "kinds": {"firm": {"members": int(pick(2, 6)), "skills": skills, "schedule": "day"}},
            "answer_ordinary": flag(0.7),
        }
        if projects:
            out["pairing"]["projects"] = {
                "projects": {"project": 100},
                "due_days": 3,
                "orders_per_project_per_year": float(pick(20, 60)),
            }
    if flag(0.45):
        place = pick("B2", "A1", "A2", "I1")
        town = {"A1": "Alpha", "A2": "Alpha", "B2": "Beta", "I1": "Isle"}[place]
        event = {
            "name": "lockdown",
            "places": [place],
            "start_day": float(pick(0, 0.25, 0.6)),
            "days": float(pick(0.5, 1)),
            "multiplier": float(pick(2, 5)),
            "item_mix": pick({"errand": 1}, {"errand": 1, "repair": 0.3, "legal": 0.1}),
            "callups": [
                {
                    "town": town,
                    "hours": pick([8, 20], [6, 23]),
                    "volunteers": int(pick(1, 2, 4)),
                    "skills": ["errand"],
                }
            ],
        }
        if flag(0.7):
            event["delivery"] = {
                "mode": "batched",
                "collect_every_min": float(pick(30, 60, 120)),
                "batch_size": int(pick(1, 3, 10)),
                "volunteers_per_batch": int(pick(1, 2)),
                "shopping_min": float(pick(0, 20, 45)),
                "per_order_min": float(pick(0, 3)),
                "designated": pick(["callups"], ["callups", "town"], ["village"]),
            }
        else:
            event["delivery"] = {"mode": "per_order"}
        out["events"] = [event]
        if flag(0.3):  # a second event, overlapping or not, in another town
            other = pick("B1", "A1", "I1")
            out["events"].append(
                {
                    "name": "second",
                    "places": [other],
                    "start_day": float(pick(0.3, 1.0)),
                    "days": 1.0,
                    "multiplier": 3.0,
                    "item_mix": {"errand": 1},
                    "callups": [
                        {"town": {"A1": "Alpha", "B1": "Beta", "I1": "Isle"}[other], "volunteers": 1}
                    ],
                    "delivery": pick(
                        {"mode": "per_order"},
                        {
                            "mode": "batched",
                            "collect_every_min": 45.0,
                            "batch_size": 2,
                            "volunteers_per_batch": 1,
                        },
                    ),
                }
            )
    if flag(0.2):
        out["teams"]["duty_counts"] = "rounded"
    return out


def random_world(seed: int, folder: Path) -> World:
    """The world of random scenario ``seed``, written as ``folder/scenario<seed>.yaml``."""
    return build_world(variant(folder, random_overrides(seed, folder), f"scenario{seed}"))


# ---------------------------------------------------------------------- who may serve what
class Oracle:
    """Who may serve an order at a tier, from docs/model.md ("The order life cycle", "Handing
    up", "Service channels", "The professional route"), built from the teams' levels, homes and
    the pairs, not from the dispatcher's index."""

    def __init__(self, world: World):
        self.world = world
        t = world.teams
        s = world.scenario.dispatch
        self.widen, self.keep = s.scope == "widen", s.keep_lower_scope
        self.level = t.level.tolist()
        self.home = t.home.tolist()
        self.town = t.town.tolist()
        self.place_town = world.places.town.tolist()
        n_fixed = len(t) - len(world.pairs)
        self.own: list[set[int]] = [set() for _ in range(world.n_places)]  # tier 1 of each place
        self.village_team = [-1] * world.n_places
        for team in range(n_fixed):
            if self.level[team] in VILLAGE_LEVELS:
                self.own[self.home[team]].add(team)
            if self.level[team] == LEVEL["village"] and self.village_team[self.home[team]] < 0:
                self.village_team[self.home[team]] = team
        for k, pair in enumerate(world.pairs):
            self.own[pair.village].add(n_fixed + k)
        self.top_tier = world.channel_top_tier.tolist()

    def in_scope(self, team: int, place: int, tier: int) -> bool:
        """Whether ``team`` is in the scope of an order of ``place`` waiting at ``tier``."""
        level = self.level[team]
        own = team in self.own[place]
        if tier == 1 or (self.keep and own):
            return own
        if level in CHANNEL_LEVELS:
            return False  # proxy points and rooms serve their own village's tier 1 only
        if self.widen:
            if own:
                return False  # keep_lower_scope false: the order left its village for good
            if tier == 2:
                return self.town[team] == self.place_town[place]
            return True
        town_station = level == LEVEL["town"] and self.town[team] == self.place_town[place]
        if tier == 2:
            return town_station
        return level in COUNTY_LEVELS or (self.keep and town_station)

    def may_serve(self, team: int, order: int, tier: int, rep: Replication, declined: int) -> str | None:
        """None if ``team`` may take ``order`` at ``tier`` now, else why not."""
        o = rep.orders
        if o.skill[order] not in self.world.teams.skills[team]:
            return "lacks the skill"
        if declined == team:
            return "handed it up"
        if tier > self.top_tier[o.channel[order]]:
            return f"tier {tier} above its channel's top tier"
        if order in o.directed:
            if team == o.directed[order]:
                return None
            if rep.env.now < o.t_tier3[order] + self.world.scenario.admin.fallback_after_min - EPS:
                return "not the selected organisation before the fallback"
        if not self.in_scope(team, o.place[order], tier):
            return f"not in the scope of tier {tier}"
        return None


# ---------------------------------------------------------------------- the run, watched
class Watch:
    """Hooks on a replication checking the run-time invariants; ``problems`` lists violations."""

    def __init__(self, rep: Replication, limit: int = 20):
        self.rep, self.limit = rep, limit
        self.oracle = Oracle(rep.world)
        self.problems: list[str] = []
        self.in_hand = [0] * len(rep.world.teams)  # volunteers busy with orders (not batches)
        self.assigned_at_tier: dict[int, int] = {}
        self.released: set[int] = set()
        self.waiting: set[int] = set()  # placed, neither assigned nor cancelled
        self.held_until: dict[int, float] = {}  # orders on a batched platform -> its event's end
        self.surge_end = [s.end_min for s in rep.world.surges]
        self.batches_back: set[int] = set()  # batches whose crew is back (their released hooks)
        h = rep.hooks
        h.placed.append(self.placed)
        h.assigned.append(self.assigned)
        h.cancelled.append(self.cancelled)
        h.released.append(self.released_hook)
        h.escalated.append(self.escalated)

    def declined(self, order: int) -> int:
        """The village team that handed ``order`` up (-1: none): the set-up's decision, once the
        order was handed up (a batched order never is)."""
        o = self.rep.orders
        return self.rep.lifecycle.handed_up.get(order, -1) if order in o.t_handed_up else -1

    def fail(self, text: str) -> None:
        if len(self.problems) < self.limit:
            self.problems.append(f"t={self.rep.env.now:.3f}: {text}")

    def name(self, team: int) -> str:
        return self.rep.world.teams.name[team]

    def describe(self, order: int) -> str:
        o, w = self.rep.orders, self.rep.world
        item, place = w.items[o.item[order]].id, w.places.code[o.place[order]]
        return f"order {order} ({item} at {place}, tier {o.tier[order]})"

    # the volunteers' books
    def busy_elsewhere(self, team: int) -> int:
        """Volunteers of ``team`` out on a batch or at an activity now (from the logs' rows)."""
        now, rep = self.rep.env.now, self.rep
        busy = 0
        bteam, vols = rep.batch_rows[2], rep.batch_rows[3]
        for k in range(len(bteam)):
            if bteam[k] == team and k not in self.batches_back:
                busy += vols[k]
        ateam, astart, aend, _, pulled = rep.activity_rows
        for k in range(len(ateam)):
            if ateam[k] == team and astart[k] <= now < aend[k]:
                busy += pulled[k]
        return busy

    def collecting(self) -> bool:
        """Whether a batched event's platform collects now: it takes every crew first, and
        their trips (which log the batches) start after the minute's other business."""
        now = self.rep.env.now
        for surge in self.rep.world.surges:
            if surge.batched and surge.start_min < now <= surge.end_min:
                ticks = (now - surge.start_min) / surge.delivery.collect_every_min
                if now == surge.end_min or abs(ticks - round(ticks)) < 1e-9:
                    return True
        return False

    def books(self, where: str, at_least: bool = False) -> None:
        """Each team's busy volunteers are those out on orders, batches and activities
        (``at_least``: no fewer, at a batch's assignment, when the collection has taken the
        crews of its later batches, whose trips have not started yet)."""
        d = self.rep.dispatcher
        for team in range(len(d.spare)):
            busy = d.on_duty[team] - d.spare[team]
            if busy < 0:
                self.fail(f"{where}: {self.name(team)} spare {d.spare[team]} > on duty {d.on_duty[team]}")
                continue
            expected = self.in_hand[team] + self.busy_elsewhere(team)
            if busy < expected or (busy > expected and not (at_least or self.collecting())):
                self.fail(
                    f"{where}: {self.name(team)} busy {busy} (on duty {d.on_duty[team]}, spare "
                    f"{d.spare[team]}) but {expected} out (with orders {self.in_hand[team]})"
                )

    # the hooks
    def placed(self, order: int) -> None:
        o = self.rep.orders
        self.waiting.add(order)
        if order in o.platform_event:
            self.held_until[order] = self.surge_end[o.platform_event[order]]
        self.books("placed")
        self.after(order)

    def escalated(self, order: int) -> None:
        self.books("escalated")
        self.after(order)

    def after(self, order: int) -> None:
        """Without alerts, once an order placed or escalated now has been offered to its scope
        (after the hook): it waits only if no free team there could take it."""
        if self.rep.alerts is None:
            self.rep.env.timeout(0.0, order).callbacks.append(self.entry_check)

    def entry_check(self, event) -> None:
        order, rep, o = event.value, self.rep, self.rep.orders
        if o.state[order] != WAITING or order in self.held_until or order in o.at_desk:
            return
        spare = rep.dispatcher.spare
        for team in range(len(spare)):
            if (
                spare[team] >= o.need[order]
                and self.oracle.may_serve(team, order, o.tier[order], rep, self.declined(order)) is None
            ):
                self.fail(f"{self.describe(order)} waits while {self.name(team)} has {spare[team]} spare")
                return

    def assigned(self, order: int) -> None:
        rep, o, d = self.rep, self.rep.orders, self.rep.dispatcher
        team, tier = o.team[order], o.tier[order]
        if order in self.assigned_at_tier:
            self.fail(f"order {order} assigned twice")
        if order not in self.waiting:
            self.fail(f"order {order} assigned while not waiting")
        self.waiting.discard(order)
        self.assigned_at_tier[order] = tier
        if o.state[order] != ASSIGNED:
            self.fail(f"order {order} assigned in state {o.state[order]}")
        if d.spare[team] < 0:
            self.fail(
                f"{self.describe(order)}: {self.name(team)} took it without the volunteers "
                f"(spare {d.spare[team]})"
            )
        if order in o.batch:
            designated = rep.world.surges[o.platform_event[order]].designated
            if team not in designated:
                self.fail(f"batched {self.describe(order)} taken by {self.name(team)}, not a designated team")
        else:
            self.in_hand[team] += o.need[order]
            why = self.oracle.may_serve(team, order, tier, rep, self.declined(order))
            if why is not None:
                self.fail(f"{self.describe(order)} taken by {self.name(team)}: {why}")
        self.books("assigned", at_least=order in o.batch)

    def cancelled(self, order: int) -> None:
        o = self.rep.orders
        if order in self.assigned_at_tier or order not in self.waiting:
            self.fail(f"order {order} cancelled but not waiting")
        self.waiting.discard(order)
        ends = o.t_placed[order] + o.patience[order]
        if abs(self.rep.env.now - ends) > EPS:
            self.fail(f"order {order} cancelled at {self.rep.env.now}, its patience ends at {ends}")
        self.books("cancelled")

    def released_hook(self, order: int) -> None:
        o = self.rep.orders
        if order not in self.assigned_at_tier or order in self.released:
            self.fail(f"order {order} released without an assignment, or twice")
        self.released.add(order)
        team = o.team[order]
        if order in o.batch:
            self.batches_back.add(o.batch[order])
        else:
            self.in_hand[team] -= o.need[order]
        self.books("released")
        # once the team has taken its waiting work (after this hook): nothing it could serve waits
        self.rep.env.timeout(0.0, team).callbacks.append(self.idle_check)

    def idle_check(self, event) -> None:
        team, rep, o = event.value, self.rep, self.rep.orders
        free = rep.dispatcher.spare[team]
        if free <= 0:
            return
        now = rep.env.now
        for order in sorted(self.waiting):
            if o.state[order] != WAITING or o.need[order] > free:
                continue  # (at the administrator's)
            if order in o.at_desk and o.directed[order] != team:
                continue
            if order in self.held_until and now <= self.held_until[order] + EPS:
                continue  # on its event's platform, for the collections
            if self.oracle.may_serve(team, order, o.tier[order], rep, self.declined(order)) is None:
                self.fail(
                    f"{self.name(team)} freed with {free} spare, idle while {self.describe(order)} waits"
                )
                return


def watched_run(world: World, seed: int):
    rep = Replication(world, np.random.SeedSequence(seed))
    watch = Watch(rep)
    log = rep.run()
    return rep, log, watch


# ---------------------------------------------------------------------- the run log
def log_problems(rep: Replication, log, limit: int = 20) -> list[str]:
    """Invariants of the order log after the run."""
    world, o = rep.world, log.orders
    horizon = rep.horizon
    out: list[str] = []

    def bad(mask, text):
        ids = np.flatnonzero(mask)
        if len(ids) and len(out) < limit:
            out.append(f"{len(ids)} orders {text}: ids {ids[:5].tolist()}")

    cols = o.columns()
    times = [k for k in cols if k.startswith("t_") and k not in ("t_deadline", "t_booked")]
    for k in times:
        v = cols[k]
        bad(v >= horizon, f"with {k} at or after the horizon")
        bad(v < cols["t_placed"] - EPS, f"with {k} before t_placed")
    closed, cancelled = ~np.isnan(o.t_closed), ~np.isnan(o.t_cancelled)
    bad(closed & cancelled, "both closed and cancelled")
    bad((o.outcome == CLOSED) != closed, "whose outcome 'closed' disagrees with t_closed")
    bad((o.outcome == CANCELLED) != cancelled, "whose outcome 'cancelled' disagrees with t_cancelled")
    bad(~np.isin(o.outcome, [CLOSED, CANCELLED, OPEN]), "without an outcome")
    bad(cancelled & ((o.team >= 0) | ~np.isnan(o.t_assigned)), "cancelled after an assignment")
    assigned = ~np.isnan(o.t_assigned)
    bad(assigned != (o.team >= 0), "with a team iff assigned broken")
    ladder = [
        "t_placed",
        "t_tier2",
        "t_tier3",
        "t_assigned",
        "t_accepted",
        "t_arrived",
        "t_closed",
        "t_released",
    ]
    for i, a in enumerate(ladder):
        for b in ladder[i + 1 :]:
            bad(cols[a] > cols[b] + EPS, f"with {a} > {b}")
        bad(
            np.isnan(cols[a]) & ~np.isnan(cols[ladder[min(i + 1, len(ladder) - 1)]]) & (i >= 3),
            f"missing {a} before a later step",
        )
    bad(o.t_booked > o.t_placed + EPS, "booked after the time asked for")
    bad(o.t_review_start > o.t_review_end + EPS, "reviewed backwards")
    bad(o.t_review_end > o.t_tier3 + EPS, "at the county tier before the review's end")
    bad(o.t_alerted > o.t_assigned + EPS, "alerted after their assignment")
    handed = ~np.isnan(o.t_handed_up)
    bad(handed & (o.t_tier2 != o.t_handed_up), "handed up but not at tier 2 then")
    # the level of the serving team
    level = np.where(o.team >= 0, world.teams.level[np.maximum(o.team, 0)], -1)
    bad(level != o.team_level, "whose team_level is not their team's")
    # tiers reached and their times
    prof = o.professional.astype(bool)
    bad(~prof & ((o.tier_max >= 2) != ~np.isnan(o.t_tier2)), "whose tier_max disagrees with t_tier2")
    bad((o.tier_max >= 3) & ~prof & np.isnan(o.t_tier3), "at tier 3 without t_tier3")
    bad((o.tier_max < 3) & ~np.isnan(o.t_tier3), "with t_tier3 below tier 3")
    # escalation happens at once or after the channel's timeout (from its entry to the tier)
    timeouts = world.channel_timeouts  # (channel, zone, 2)
    held = o.platform_event >= 0
    start = o.t_placed.copy()
    if held.any():
        ends = np.array([s.end_min for s in world.surges])
        start[held] = np.maximum(start[held], ends[o.platform_event[held]])
    plain = ~prof & ~handed & (o.batch < 0)
    t1 = timeouts[o.channel, o.zone, 0]
    t2 = timeouts[o.channel, o.zone, 1]
    w1 = o.t_tier2 - start
    bad(
        plain & ~np.isnan(w1) & ~np.isclose(w1, 0.0, atol=EPS) & ~np.isclose(w1, t1, atol=1e-6),
        "escalating to tier 2 neither at once nor at the timeout",
    )
    w2 = o.t_tier3 - o.t_tier2
    bad(
        ~prof & ~np.isnan(w2) & ~np.isclose(w2, 0.0, atol=EPS) & ~np.isclose(w2, t2, atol=1e-6),
        "escalating to tier 3 neither at once nor at the timeout",
    )
    # an order never taken above its channel's top tier
    bad(o.tier_max > world.channel_top_tier[o.channel], "above their channel's top tier")
    # orders of channels whose citizens never cancel, and orders held on a platform (no patience)
    bad(cancelled & ~world.channel_cancels[o.channel], "cancelled in a channel that never cancels")
    bad(cancelled & held, "cancelled after waiting on a batched event's platform")
    # a batch's orders: its team, its collection
    for k in np.flatnonzero(o.batch >= 0).tolist():
        b = o.batch[k]
        if log.batches.team[b] != o.team[k] or log.batches.t_start[b] != o.t_assigned[k]:
            out.append(f"batched order {k} disagrees with batch {b}")
            break
    # the order table's state at the end agrees with the log
    return out


def run_checked(seed: int, folder: Path) -> list[str]:
    """The invariants random scenario ``seed`` breaks."""
    world = random_world(seed, folder)
    rep, log, watch = watched_run(world, seed)
    return watch.problems + log_problems(rep, log)


def run_problems(seed: int, folder: Path) -> list[str]:
    return run_checked(seed, folder)


def log_digest(log) -> str:
    """A hash of every column of a run's logs (orders, activities, batches, on-duty counts)."""
    h = hashlib.sha256()
    frames = [log.orders.columns(), vars(log.activities), vars(log.batches)]
    frames.append({"by_level": log.on_duty_by_level, "by_town": log.on_duty_by_town})
    for frame in frames:
        for name, column in frame.items():
            h.update(name.encode())
            h.update(np.ascontiguousarray(column).tobytes())
    return h.hexdigest()


def digests(seeds, folder: Path) -> list[str]:
    """The log digest of each random scenario of ``seeds`` (simulated without hooks)."""
    from sim.model.replication import simulate

    return [log_digest(simulate(random_world(seed, folder), seed)) for seed in seeds]


# ---------------------------------------------------------------------- the tests
_RESULTS: dict[int, tuple[list[str], list[str]]] = {}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("random_scenarios")


def checked(seed: int, folder: Path) -> list[str]:
    if seed not in _RESULTS:
        _RESULTS[seed] = run_checked(seed, folder)
    return _RESULTS[seed]


@pytest.mark.parametrize("seed", FAST_SEEDS)
def test_random_scenario_keeps_the_invariants(seed, folder):
    problems = checked(seed, folder)
    assert not problems, f"seed {seed} ({folder / f'scenario{seed}.yaml'}):\n" + "\n".join(problems)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW_SEEDS)
def test_more_random_scenarios_keep_the_invariants(seed, folder):
    problems = checked(seed, folder)
    assert not problems, f"seed {seed} ({folder / f'scenario{seed}.yaml'}):\n" + "\n".join(problems)


def test_the_same_seed_gives_byte_identical_logs(folder):
    seeds = [0, 3, 11, 38, 52, 60]
    assert digests(seeds, folder) == digests(seeds, folder)


def test_the_logs_do_not_depend_on_the_hash_seed(folder):
    seeds = [0, 3, 11, 38, 52, 60]
    code = (
        "import sys; from pathlib import Path; "
        "from tests.test_model_invariants import digests; "
        f"print(' '.join(digests({seeds}, Path(sys.argv[1]))))"
    )
    out = []
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        sub = folder / f"hash{hash_seed}"
        sub.mkdir(exist_ok=True)
        run = subprocess.run(
            [sys.executable, "-c", code, str(sub)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        out.append(run.stdout.split())
    assert out[0] == out[1] == digests(seeds, folder)


# ---------------------------------------------------------------------- lower tiers kept in scope
# A team that keep_lower_scope keeps in an order's scope as a lower tier's team (its village's
# paired unit above tier 1; its town's station or call-ups at the county tier under handover)
# finds waiting work in the lower tier's queue, where an escalated order leaves an entry behind.
# An order that entered the higher tier without waiting in the lower one (handed up past tier 1,
# or a tier passed at once because its scope did not offer the skill then: call-ups before their
# event's hours) had no such entry: the team, freed or coming on duty, never took it, though
# Dispatcher.find_team offered it that very order. The life cycle now enqueues such an order in
# the lower tiers it passed too (OrderLifecycle.enter_tier).


def _tiny_world(tmp_path, overrides: dict) -> World:
    return build_world(variant(tmp_path, overrides, "lower"))


# the town stations and the county center with nobody, errands only at the county
NOBODY_ABOVE = {
    "town": {"members": 0, "skills": ["errand", "repair"], "schedule": "day"},
    "county": {"name": "center", "count": 1, "members": 0, "skills": ["errand"], "schedule": "day"},
}


def test_a_paired_unit_of_another_town_takes_a_handed_up_order_of_its_village(tmp_path):
    # A2 (Alpha) is paired with a unit at B1 (Beta), 1 volunteer on duty 08:00-18:00; Alpha's
    # other teams have nobody; every errand at A2 is handed up. 09:00 a repair at A2 (the unit
    # takes it: A2's team does no repairs), back at 10:12; 09:05 an errand at A2, handed up to
    # Alpha's tier 2, where the unit is in scope (keep_lower_scope) and free from 10:12 on
    (tmp_path / "pairs.csv").write_text(
        "village_code,unit_kind,unit_name,home_code\nA2,firm,firm-1,B1\n", encoding="utf-8"
    )
    world = _tiny_world(
        tmp_path,
        {
            "teams": {
                "village_members_community": 0,
                **NOBODY_ABOVE,
            },
            "pairing": {
                "strategy": "listed",
                "file": str(tmp_path / "pairs.csv"),
                "kinds": {"firm": {"members": 5, "skills": ["errand", "repair"], "schedule": "day"}},
            },
            "dispatch": {
                "scope": "widen",
                "keep_lower_scope": True,
                "timeouts_min": {"urban": [5, 10], "rural": [30, 100000]},
                "hand_up": {"share": 1.0, "items": ["errand"]},
            },
        },
    )
    from sim.model.demand import Arrivals
    from sim.model.replication import simulate

    rows = [(540.0, "A2", "repair"), (545.0, "A2", "errand")]
    o = simulate(world, 1, Arrivals.from_rows(world, rows)).orders
    assert o.t_handed_up[1] == 545.0 and o.tier_max[1] == 2
    # the unit is back at 10:12 and takes the errand then (as when its home is in Alpha)
    assert o.t_assigned[1] == pytest.approx(o.t_released[0])
    assert world.teams.name[o.team[1]] == "paired:firm-1"


def test_callups_take_an_order_of_their_town_passed_to_the_county_before_their_hours(tmp_path):
    # handover with keep_lower_scope: an errand at B2 at 07:00 passes tier 1 (no village team
    # runs errands) and Beta's tier 2 (its call-ups exist from 08:00; its station has nobody) at
    # once, to the county tier (nobody there either), where find_team counts Beta's tier-2 teams
    # in scope. The call-ups come on duty at 08:00 and take it (as under widen)
    world = _tiny_world(
        tmp_path,
        {
            "teams": {
                "village_skills": ["repair"],
                **NOBODY_ABOVE,
            },
            "dispatch": {"scope": "handover", "keep_lower_scope": True},
            "events": [
                {
                    "name": "ev",
                    "places": ["B1"],
                    "start_day": 0,
                    "days": 1,
                    "callups": [{"town": "Beta", "hours": [8, 20], "volunteers": 2, "skills": ["errand"]}],
                }
            ],
        },
    )
    from sim.model.demand import Arrivals
    from sim.model.replication import simulate

    o = simulate(world, 1, Arrivals.from_rows(world, [(420.0, "B2", "errand")])).orders
    assert o.tier_max[0] == 3 and o.t_tier3[0] == 420.0
    assert o.t_assigned[0] == 480.0
