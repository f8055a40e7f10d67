"""The SimPy model of one replication: ``simulate(world, seed) -> RunLog``.

Events are scheduled callbacks on the model's calendar (:mod:`sim.model.calendar`, merged with SimPy's
queue and driven by ``Environment.run``), matched by a central dispatcher (:mod:`sim.model.dispatcher`)
rather than one generator per order, so the cost of an event does not grow with the county's
size. The life of a catalogue order::

    placed --(tier-1 queue: its village + paired units)--> [timeout] --> town --> [timeout]
        --> county --> assigned --(acceptance delay)--> accepted (the response)
        --(travel)--> arrived --(service)--> closed --(travel home)--> volunteer free again

A professional order first waits for the county administrator (office hours, review time), then
joins the county queue for teams with its skill. A citizen cancels an order still waiting after
their patience. Hourly on-duty changes, planned group activities and ferry departures shape
when volunteers can respond. The model writes no files; everything observable is in the logs.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from heapq import heappush

import numpy as np
import simpy
from simpy.events import NORMAL

from sim.config import distributions
from sim.config.scenario import ZONES
from sim.model.activities import plan_activities
from sim.model.calendar import EventCalendar, bucket_minutes
from sim.model.compact import float_array, floats, int_code, ints, typed
from sim.model.demand import Arrivals, generate_arrivals
from sim.model.dispatcher import ASSIGNED, AT_ADMIN, CANCELLED, COUNTY_TIER, WAITING, Dispatcher
from sim.model.rng import Streams
from sim.results.logs import RunLog
from sim.results.run_log import run_log
from sim.world.build import World
from sim.world.workforce import duty_changes

NAN = float("nan")


def horizon_minutes(world: World) -> tuple[float, float, float]:
    """(window start, window end, horizon) in minutes for the scenario's run settings."""
    run = world.scenario.run
    start = run.warmup_days * 1440.0
    end = start + run.days * 1440.0
    return start, end, end + run.drain_days * 1440.0


class Replication(EventCalendar):
    """State and event handlers of one run; use :func:`simulate`."""

    def __init__(self, world: World, seed: np.random.SeedSequence,
                 arrivals: Arrivals | None = None):
        self.world = world
        self.scenario = world.scenario
        self.streams = Streams(seed)
        self.window_start, self.window_end, self.horizon = horizon_minutes(world)
        EventCalendar.__init__(self, simpy.Environment(), self.horizon,
                               bucket_minutes(float(world.rate_per_min.sum())))
        self._on_release = self._release_order  # the bound method, made once
        # on-duty counts first: their set-up's scratch memory is freed before the orders' state
        # exists (each source has its own named stream, so the order of set-up changes nothing)
        self.hours = int(math.ceil(self.horizon / 60.0))
        self.on_duty = duty_changes(world.teams, self.hours, self.scenario.run.start_weekday,
                                    self.scenario.teams.show_up, self.streams)
        owned = arrivals is None
        if owned:
            arrivals = generate_arrivals(world, self.streams, self.horizon)
        n = self.n_orders = len(arrivals)
        self.dispatcher = Dispatcher(world, n)
        self.trip = world.travel.trip
        # minutes of a trip within one place (no travel matrix), for the common trip-free case
        self.same_place_trip = world.travel.setup if world.travel.matrix is None else None
        self.timeouts = world.timeouts.tolist()  # (zone, tier - 1) -> minutes, Python floats
        self._init_orders(arrivals, owned)
        del arrivals  # the replication keeps its own compact copies (and no uniforms)
        self.admin_queue: deque[int] = deque()
        self.reviewers_free = self.scenario.admin.reviewers
        self.review_rng = self.streams.stream("admin_review")
        # patience timers booked later than placement, with their keys (see _schedule_cancel)
        self._deferred_cancels: dict[int, tuple] = {}
        # the activity log's typed columns as activities start: team, start, end, asked, pulled
        self.activity_rows = (array("q"), array("d"), array("d"), array("q"), array("q"))

    # ------------------------------------------------------------------ set-up
    def _init_orders(self, a: Arrivals, owned: bool) -> None:
        """Per-order state from the arrivals: compact typed arrays, durations in minutes.
        ``owned``: the arrivals were generated for this replication, so each uniform column is
        dropped once turned into durations (less memory at the set-up's peak)."""
        w, d = self.world, self.dispatcher
        n = len(a)
        places = a.place
        # durations first, filled in place through numpy views of the arrays (no second copy)
        self.service, service = float_array(n)
        for k, item in enumerate(w.items):
            mask = a.item == k
            if mask.any():
                service[mask] = distributions.quantile(item.service, a.u_service[mask])
        self.patience, patience = float_array(n)
        for z, zone in enumerate(ZONES):
            mask = w.places.zone[places] == z
            if mask.any():
                patience[mask] = distributions.quantile(self.scenario.demand.patience[zone],
                                                        a.u_patience[mask])
        self.accept_delay, accept = float_array(n)
        accept[:] = distributions.quantile(self.scenario.demand.acceptance_delay, a.u_accept)
        if owned:
            a.u_service = a.u_patience = a.u_accept = None
        # per-order state lives in compact typed arrays (8 bytes a time, 1-4 an index, and no
        # Python object per value), indexed like lists; the logs are views of them
        self.t_placed = floats(a.time)
        if owned:
            a.time = None
        d.order_place = ints(places, len(w.places) - 1)
        self.item = ints(a.item, len(w.items) - 1)
        # (the log's town column is made in this one's buffer: its type holds towns too)
        d.order_skill = ints(w.item_skill[a.item], max(len(w.skills), len(w.towns.code)) - 1)
        d.order_need = ints(w.item_volunteers[a.item], int(w.item_volunteers.max(initial=0)))
        offered = np.zeros((len(w.place_skills), max(1, len(w.skills))), dtype=bool)
        for place, place_skills in enumerate(w.place_skills):
            offered[place, list(place_skills)] = True
        # an ordinary order: not professional, and its village scope offers its skill
        self.ordinary = typed("b", offered[places, w.item_skill[a.item]]
                               & ~w.item_professional[a.item])
        self.zone = typed("b", w.places.zone[places])
        self.professional = typed("b", w.item_professional[a.item])
        if owned:
            a.place = a.item = places = None
        self.urban_promise = self.scenario.targets.urban_response_min
        self.tier_max = array("b", [1]) * n
        self.t_tier2 = array("d", [NAN]) * n  # when the order reached tier 2 (town) / 3 (county)
        # times few orders have (the county tier, professional review, cancellation): by order
        self.t_tier3: dict[int, float] = {}
        self.t_review_start: dict[int, float] = {}
        self.t_review_end: dict[int, float] = {}
        self.t_cancelled: dict[int, float] = {}
        self.t_assigned = array("d", [NAN]) * n
        self.t_arrived = array("d", [NAN]) * n
        self.t_released = array("d", [NAN]) * n
        self.team = array(int_code(len(w.teams) - 1), [-1]) * n

    def _deadline(self, order: int) -> float:
        """The promise a waiting order is ranked by (minutes): placement plus the urban response
        time for an urban catalogue order, else its same-day deadline (as
        :meth:`same_day_deadline`, for one order: the same float operations)."""
        placed = self.t_placed[order]
        if self.zone[order] == 0 and not self.professional[order]:
            return placed + self.urban_promise
        w = self.world
        day = float(math.floor(placed / 1440.0))
        return (day + ((placed - day * 1440.0) >= w.cutoff_min)) * 1440.0 + w.day_end_min

    def same_day_deadline(self, placed: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The same-day deadline of orders placed at ``placed`` (minutes): the end of their day,
        or of the next day when placed after the cut-off (into ``out`` if given)."""
        w = self.world
        day = np.floor(placed / 1440.0, out=out)
        late = (placed - day * 1440.0) >= w.cutoff_min
        day += late  # in place, the same sums as (day + late) * 1440 + day_end
        day *= 1440.0
        day += w.day_end_min
        return day

    # ------------------------------------------------------------------ volunteers
    def _duty_tick(self, hour: int) -> None:
        """Apply the on-duty counts of simulated hour ``hour`` and schedule the next tick."""
        d = self.dispatcher
        gained = []
        for team, value in zip(*self.on_duty.at(hour)):
            if d.set_on_duty(team, value):
                gained.append(team)
        for team in gained:
            self._serve_waiting(team)
        if hour + 1 < self.hours:
            self._at((hour + 1) * 60.0, self._duty_tick, hour + 1)

    def _serve_waiting(self, team: int) -> None:
        """Give a team with free volunteers the waiting orders it should take, one by one."""
        d = self.dispatcher
        while True:
            order = d.find_order(team)
            if order is None:
                return
            self._assign(order, team)

    def _assign(self, order: int, team: int) -> None:
        """Give a waiting order to a team now: its volunteers accept, travel, serve and return;
        their release is scheduled at the end of the trip home (minutes)."""
        d = self.dispatcher
        now = self.env._now
        d.state[order] = ASSIGNED
        spare = d.spare[team] - d.order_need[order]
        d.spare[team] = spare
        if d.in_free[team] and spare <= 0:
            d.refresh(team)  # no free volunteer left
        home, place = d.home[team], d.order_place[order]
        accepted = now + self.accept_delay[order]
        if home == place and self.same_place_trip is not None:
            arrived = accepted + self.same_place_trip
            closed = arrived + self.service[order]
            released = closed + self.same_place_trip
        else:
            trip = self.trip
            arrived = accepted + trip(home, place, accepted)
            closed = arrived + self.service[order]
            released = closed + trip(place, home, closed)
        self.team[order] = team
        self.t_assigned[order] = now
        self.t_arrived[order] = arrived
        self.t_released[order] = released
        if released < self.horizon:  # _at inlined: the hottest schedule of all
            delay = released - now
            at = now + delay if delay > 0.0 else now
            if at < self.horizon:  # (handlers run inside _drain: no wake-up needed)
                entry = (at, NORMAL, next(self._eid), self._on_release, order)
                if at < self._soon_end:  # _push inlined
                    heappush(self._calendar, entry)
                else:
                    self._push_later(entry)

    def _release_order(self, order: int) -> None:
        """An order's volunteers are back home and free: they take waiting work if any."""
        d = self.dispatcher
        team = self.team[order]
        spare = d.spare[team] + d.order_need[order]
        d.spare[team] = spare
        if not d.in_free[team] and spare > 0:
            d.refresh(team)
        if not d.queued_in_town[d.team_town[team]] and not d.team_other_towns[team] and not (
                d.sees_tier3[team] and d.queued_in_town[-1]):
            return  # find_order's first test, inlined: no queue this team sees holds anything
        self._serve_waiting(team)

    def _release(self, arg: tuple[int, int]) -> None:
        """``need`` volunteers of ``team`` are free again (an activity ended)."""
        team, need = arg
        d = self.dispatcher
        d.spare[team] += need
        d.refresh(team)
        self._serve_waiting(team)

    # ------------------------------------------------------------------ orders
    def _next_arrival(self, order: int) -> None:
        """Place order ``order`` now (its arrival time), then book the next arrival.

        The common case, an ordinary order whose village scope offers its skill, is handled
        here as :meth:`_enter_tier` would at tier 1, without its general machinery."""
        d = self.dispatcher
        if not self.ordinary[order]:
            self._place(order)
        else:
            place, skill, need = d.order_place[order], d.order_skill[order], d.order_need[order]
            spare, skills = d.spare, d.skills
            first, able = -1, None  # the first able team; the list only when there are more
            for team in d.tier1_teams[place]:
                if spare[team] >= need and skill in skills[team]:
                    if first < 0:
                        first = team
                    elif able is None:
                        able = [first, team]
                    else:
                        able.append(team)
            if able is not None:
                self._assign(order, d.rank_teams(able, place))
            elif first >= 0:
                self._assign(order, first)
            else:
                d.enqueue(order, self._deadline(order))
                escalation = self.env._now + self.timeouts[self.zone[order]][0]
                self._schedule_cancel(order, escalation)
                self._at(escalation, self._escalate, (order, 1))
        order += 1  # book the next arrival (as _book_arrival, inlined)
        if order < self.n_orders:
            when = self.t_placed[order]
            if when < self.horizon:
                self._arrival = (when, NORMAL, next(self._eid), order)

    def _place(self, order: int) -> None:
        d = self.dispatcher
        if self.professional[order]:
            self._schedule_cancel(order)
            d.state[order] = AT_ADMIN
            self.tier_max[order] = COUNTY_TIER
            self.admin_queue.append(order)
            self._admin_try()
            return
        self._enter_tier(order, 1, placed=True)

    def _schedule_cancel(self, order: int, escalation: float | None = None) -> None:
        """The citizen's patience timer (none when patience is infinite), for an order that
        has to wait now (its placement time).

        With ``escalation`` (when the order's first escalation timer, scheduled right after,
        will fire; minutes): a timer due after it is only booked then, by :meth:`_escalate`,
        and only if the order still waits (most are taken before, and their timers would sit
        dead in the event heap). It keeps the key (time, priority, event id) taken now, so
        events at the same minute fire in the same order either way."""
        if not self.patience[order] < math.inf:
            return
        at = self._booked_time(self.t_placed[order] + self.patience[order])
        if at >= self.horizon:
            return
        key = (at, NORMAL, next(self._eid), self._cancel, order)
        # (the escalation, due before this timer, is before the horizon: _at will book it)
        if escalation is not None and at > self._booked_time(escalation):
            self._deferred_cancels[order] = key
            return
        self._push(key)
        if not self._draining:
            self._wake()

    def _enter_tier(self, order: int, tier: int, placed: bool = False) -> None:
        """Put a waiting order at ``tier`` (escalating at once past scopes without its skill).

        ``placed``: the order is new; its patience timer is started only if it has to wait (an
        order assigned at once can no longer be cancelled), before its escalation timer, so
        timers falling at the same minute fire in the same order as ever."""
        d = self.dispatcher
        while tier < COUNTY_TIER and not d.scope_offers(order, tier):
            tier += 1
        d.tier[order] = tier
        self.tier_max[order] = max(self.tier_max[order], tier)
        if tier >= 2 and self.t_tier2[order] != self.t_tier2[order]:  # NaN: first time
            self.t_tier2[order] = self.env.now
        if tier >= COUNTY_TIER and order not in self.t_tier3:
            self.t_tier3[order] = self.env.now
        team = d.find_team(order)
        if team is not None:
            self._assign(order, team)
            return
        d.enqueue(order, self._deadline(order))
        escalation = None  # when the order escalates from this tier, if it does
        if tier < COUNTY_TIER and not self.professional[order]:
            escalation = self.env.now + self.timeouts[self.zone[order]][tier - 1]
        if placed:
            self._schedule_cancel(order, escalation)
        if escalation is not None:
            self._at(escalation, self._escalate, (order, tier))

    def _escalate(self, arg: tuple[int, int]) -> None:
        order, tier = arg
        d = self.dispatcher
        if d.state[order] == WAITING and d.tier[order] == tier:
            self._enter_tier(order, tier + 1)
        cancel = self._deferred_cancels.pop(order, None)  # see _schedule_cancel
        if cancel is not None and d.state[order] == WAITING:
            self._push(cancel)

    def _cancel(self, order: int) -> None:
        d = self.dispatcher
        if d.state[order] in (WAITING, AT_ADMIN):
            d.state[order] = CANCELLED
            self.t_cancelled[order] = self.env.now

    # ------------------------------------------------------------------ administrator
    def _office_open(self, now: float) -> bool:
        day, clock = divmod(now, 1440.0)
        weekday = (int(day) + self.scenario.run.start_weekday) % 7
        return weekday < 5 and any(a <= clock < b for a, b in self.world.office_hours)

    def _admin_try(self, _arg=None) -> None:
        d = self.dispatcher
        while self.reviewers_free > 0 and self.admin_queue and self._office_open(self.env.now):
            order = self.admin_queue.popleft()
            if d.state[order] != AT_ADMIN:
                continue
            self.reviewers_free -= 1
            self.t_review_start[order] = self.env.now
            review = float(distributions.quantile(self.scenario.admin.review,
                                                  self.review_rng.random()))
            self._at(self.env.now + review, self._review_done, order)

    def _review_done(self, order: int) -> None:
        d = self.dispatcher
        self.reviewers_free += 1
        self.t_review_end[order] = self.env.now
        if d.state[order] == AT_ADMIN:
            d.state[order] = WAITING
            self._enter_tier(order, COUNTY_TIER)
        self._admin_try()

    def _schedule_office_openings(self) -> None:
        days = int(math.ceil(self.horizon / 1440.0))
        for day in range(days):
            if (day + self.scenario.run.start_weekday) % 7 < 5:
                for start, _ in self.world.office_hours:
                    self._at(day * 1440.0 + start, self._admin_try)

    # ------------------------------------------------------------------ activities
    def _schedule_activities(self) -> None:
        """Book the first planned activity (:mod:`sim.model.activities`); each books the next when it
        starts (a province's month of activities would otherwise fill the event heap)."""
        self._activities = plan_activities(self.world, self.streams, self.horizon)
        if len(self._activities):
            self._at(self._activities.start[0], self._activity_due, 0)

    def _activity_due(self, k: int) -> None:
        """Activity ``k`` (in time order) starts now; book activity k + 1 at its start."""
        a = self._activities
        start = a.start
        if k + 1 < len(start):  # at its exact start time (_at would add and subtract ``now``)
            self._push((start[k + 1], NORMAL, next(self._eid), self._activity_due, k + 1))
        self._activity_start((a.team[k], a.duration[k], a.participants[k]))

    def _activity_start(self, arg: tuple[int, float, int]) -> None:
        team, duration, participants = arg
        d = self.dispatcher
        members = max(1, int(self.world.teams.members[team]))
        pulled = min(d.free(team), math.ceil(participants * d.on_duty[team] / members))
        now = self.env.now
        for column, value in zip(self.activity_rows,
                                 (team, now, now + duration, participants, pulled)):
            column.append(value)
        if pulled:
            d.spare[team] -= pulled
            d.refresh(team)
            self._at(now + duration, self._release, (team, pulled))

    # ------------------------------------------------------------------ run
    def drop_working_state(self) -> None:
        """Free what only the run needed (the run is over; :func:`sim.results.run_log.run_log` calls
        this before making the log's columns, so that they reuse the memory)."""
        self.ordinary = self._activities = None
        self._calendar, self._later = [], {}
        self.dispatcher.drop_run_state()

    def run(self) -> RunLog:
        """Simulate to the horizon and return the logs."""
        self._duty_tick(0)
        self._schedule_office_openings()
        self._schedule_activities()
        self._book_arrival(0)
        self._wake()
        self.env.run(until=self.horizon)
        return run_log(self)


def simulate(world: World, seed: np.random.SeedSequence | int,
             arrivals: Arrivals | None = None) -> RunLog:
    """Run one replication of ``world`` with ``seed``; return its logs (writes no files).

    ``arrivals`` replays a given order stream (sorted by time) instead of generating one from
    the demand model: exact timelines in tests, or a recorded day replayed under a new policy.
    """
    if not isinstance(seed, np.random.SeedSequence):
        seed = np.random.SeedSequence(seed)
    return Replication(world, seed, arrivals).run()
