"""The county center's administrator: reviews professional orders and selects who takes them.

The source: 群众有专业需求,系统将需求反馈至县新时代文明实践中心,由中心管理员选派有专业技能的志愿服务组织接单
(a professional need goes to the county practice center, whose administrator *selects a
volunteer organisation with the skill* to take the order). The model:

* **The inbox.** Professional orders join the administrator's inbox (a SimPy ``Store``, first
  come first served).
* **Reviewers.** ``admin.reviewers`` office reviewers, each a SimPy process, take orders only
  while the office is open (``admin.office_hours`` on weekdays) and review each for a drawn time
  (``admin.review``, stream ``admin_review``); a review started before closing time is
  finished. Outside office hours, ``admin.after_hours`` decides: ``next_morning``, the orders
  wait for the office to open; ``on_call``, ``admin.on_call_reviewers`` on-call reviewers (a
  process each) review them at once, for ``admin.on_call_review`` (stream
  ``admin_on_call_review``). An order the citizen cancelled while it waited is skipped.
* **Selection.** With ``admin.selection: professional_first`` the administrator selects one
  professional team (organisation) with the order's skill (:meth:`Administrator.select`:
  ``admin.choose`` = the least loaded, or the nearest) and the order goes to that team's desk
  (:meth:`sim.model.lifecycle.OrderLifecycle.direct`); after ``admin.fallback_after_min``
  minutes not taken, any county-tier team with the skill may take it (sub-centers, the county
  center). Without a professional team with the skill, or with ``selection: nearest``, the
  reviewed order joins the county tier at once.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import simpy

from sim.config import distributions
from sim.config.teams import TEAM_LEVELS
from sim.model.orders import AT_ADMIN

if TYPE_CHECKING:
    from sim.model.replication import Replication

PROFESSIONAL = TEAM_LEVELS.index("professional")


class Administrator:
    """The inbox of professional orders, the reviewers' processes and the selection rule."""

    def __init__(self, rep: Replication):
        admin = rep.scenario.admin
        self.env = rep.env
        self.orders = rep.orders
        self.dispatcher = rep.dispatcher
        self.lifecycle = rep.lifecycle
        self.office_hours = sorted(rep.world.office_hours)  # (start, end), minutes of day
        self.start_weekday = rep.scenario.run.start_weekday
        self.inbox = simpy.Store(self.env)
        self.choose = admin.choose
        self.nominal = rep.world.travel.nominal
        # the organisations the administrator selects from: professional teams by skill
        teams = rep.world.teams
        self.organisations: dict[int, list[int]] = {}
        if admin.selection == "professional_first":
            for team in range(len(teams)):
                if teams.level[team] == PROFESSIONAL and teams.members[team] > 0:
                    for skill in teams.skills[team]:
                        self.organisations.setdefault(skill, []).append(team)
        self.members = teams.members.tolist()
        self.fallback_after_min = admin.fallback_after_min
        # one stream per kind of review, shared by its reviewers: the k-th review (in time order)
        # takes the k-th draw whoever makes it (a stream of its own each would repeat the same
        # numbers: a name gives the same numbers every time it is asked for)
        stream = rep.streams.stream("admin_review")
        for _ in range(admin.reviewers):
            self.env.process(self.reviewer(admin.review, stream, on_call=False))
        if admin.after_hours == "on_call":
            stream = rep.streams.stream("admin_on_call_review")
            for _ in range(admin.on_call_reviewers):
                self.env.process(self.reviewer(admin.on_call_review, stream, on_call=True))

    def submit(self, order: int) -> None:
        """A professional order is placed: it waits in the inbox for a reviewer."""
        self.inbox.put(order)

    # ------------------------------------------------------------------ office hours
    def minutes_until_open(self, now: float) -> float:
        """Minutes from ``now`` until the office is open (0 if it is; inf if never)."""
        day = math.floor(now / 1440.0)
        for d in range(day, day + 8):  # a week ahead finds the next weekday's hours
            if (d + self.start_weekday) % 7 >= 5:
                continue  # weekend
            for start, end in self.office_hours:
                if now < d * 1440.0 + end:
                    return max(0.0, d * 1440.0 + start - now)
        return math.inf

    def minutes_until_closed(self, now: float) -> float:
        """Minutes from ``now`` until the office closes (0 if it is closed)."""
        day = math.floor(now / 1440.0)
        if (day + self.start_weekday) % 7 >= 5:
            return 0.0
        for start, end in self.office_hours:
            if day * 1440.0 + start <= now < day * 1440.0 + end:
                return day * 1440.0 + end - now
        return 0.0

    # ------------------------------------------------------------------ reviewers
    def reviewer(self, review, rng, on_call: bool):
        """SimPy process of one reviewer (in the office, or on call when it is closed): wait for
        the hours this reviewer works, take the next order from the inbox while they last,
        review it for a time drawn from ``review`` (minutes), hand it on; repeat."""
        env, orders = self.env, self.orders
        while True:
            off_for = self.minutes_until_closed(env.now) if on_call else self.minutes_until_open(env.now)
            if off_for == math.inf:
                return  # no office hours at all: no office reviewer ever works
            if off_for > 0:
                yield env.timeout(off_for)
                continue
            # working: the next order, unless the shift (office open, or closed) ends first
            shift_left = self.minutes_until_open(env.now) if on_call else self.minutes_until_closed(env.now)
            get = self.inbox.get()
            yield get | env.timeout(shift_left)
            if not get.triggered:
                get.cancel()  # the shift ended first: the order stays in the inbox
                continue
            order = get.value
            if orders.state[order] != AT_ADMIN:
                continue  # cancelled while it waited
            orders.t_review_start[order] = env.now
            yield env.timeout(float(distributions.quantile(review, rng.random())))
            orders.t_review_end[order] = env.now
            self.lifecycle.reviewed(order, self.select(order))

    # ------------------------------------------------------------------ selection
    def select(self, order: int) -> int | None:
        """The professional team the administrator selects for a reviewed order (None: none has
        its skill, or ``admin.selection`` is ``nearest``): by ``admin.choose``, the least loaded
        (busy volunteers plus orders waiting at its desk, per member; ties: nearest) or the
        nearest to the citizen (ties: lowest id)."""
        candidates = self.organisations.get(self.orders.skill[order])
        if not candidates:
            return None
        d, place = self.dispatcher, self.orders.place[order]

        def distance(team: int) -> float:
            return self.nominal(d.home[team], place)

        if self.choose == "nearest":
            return min(candidates, key=lambda team: (distance(team), team))

        def load(team: int) -> float:
            busy = d.on_duty[team] - d.spare[team]
            return (busy + d.desk_waiting[team]) / self.members[team]

        return min(candidates, key=lambda team: (load(team), distance(team), team))
