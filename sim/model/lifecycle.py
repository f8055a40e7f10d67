"""The life of an order, from placement to its volunteers' return, read top to bottom.

::

    placed --(tier-1 queue: its village + paired units)--> [escalation timer] --> town queue
        --> [escalation timer] --> county queue --> assigned --(acceptance delay)--> accepted
        (the response) --(travel)--> arrived --(service)--> closed --(travel home)--> released

A professional order first goes to the county administrator (:mod:`.administrator`), then
joins the county queue for teams with its skill. Each service channel has its own escalation
timeouts (``world.channel_timeouts``): a proxy errand waits for its village's proxy point and
never escalates; a dispute waits ``mediation.village_timeout_min`` for its village's mediation
room, then passes the town (which has no mediation skill) to the county's mediation teams. An
order climbs no higher than its channel's top tier (``World.channel_top_tier``: the paired
units' projects stay in their village's scope, the packages' visits reach the town). An
order its village team cannot provide (``dispatch.hand_up``, drawn at set-up: :mod:`.hand_up`)
is handed up to tier 2 at placement (:meth:`OrderLifecycle.hand_up`). An order of a batched
surge event is collected by the platform and delivered in a batch (:mod:`.batches`:
:meth:`OrderLifecycle.hold_for_batch`, :meth:`OrderLifecycle.assign_batch`,
:meth:`OrderLifecycle.batch_arrived`, :meth:`OrderLifecycle.batch_done`). A citizen cancels an
order still waiting after their patience (infinite in a channel whose orders are never
cancelled). Matching is central
(:mod:`.dispatcher`): an order that enters a tier takes the best able team at once if there is
one, and a team that frees up takes the best waiting order it can see
(:meth:`OrderLifecycle.serve_waiting`).

Each timer is a SimPy timeout with a callback (``env.timeout(delay, value)``), the cheapest
event of SimPy's public API: an order costs a handful of events, not a process and several
resource requests. A volunteer's trip, service and trip home are known at assignment (the
travel model gives their minutes), so the order's one further event is its volunteers'
release; a trip by ferry is a SimPy process that waits for the ferry's sailings
(:mod:`.ferry`). Timers that would fire at or after the run's horizon are not scheduled: the run ends
first. Extensions subscribe to the order events through :class:`OrderHooks`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.model.orders import ASSIGNED, AT_ADMIN, CANCELLED, CATALOGUE, COUNTY_TIER, WAITING

if TYPE_CHECKING:
    from sim.model.administrator import Administrator
    from sim.model.alerts import Alerts
    from sim.model.ferry import Ferry
    from sim.model.replication import Replication


@dataclass(frozen=True)
class OrderHooks:
    """Callbacks ``hook(order)`` run on an order's events, in the order they were added, right
    after the model has updated the order table (so ``rep.orders`` shows the new state, and
    ``rep.env.now`` is the event's time in minutes).

    ``placed``: the order is placed (before it is matched); ``escalated``: it moved up a tier
    after its placement (an escalation timer; the administrator passing a reviewed order to the
    county tier or to a selected organisation; ``orders.tier[order]`` is the new one), not for the
    tier it enters at placement (a hand-up, or tiers without its skill passed at once:
    ``orders.tier_max`` shows them); ``assigned``: a team took it (``orders.team`` and
    ``t_assigned`` are set, and for a land trip ``t_arrived`` and ``t_released``; the
    acceptance is ``t_assigned + accept_delay`` and the closing ``t_arrived + service``, which
    the log adds up after the run; a trip by ferry sets its arrival and release as they
    happen, NaN at the hook);
    ``cancelled``: the citizen gave up; ``released``: its volunteers are back and free (the hook
    runs before the team takes waiting work). Hooks run synchronously inside the model's event
    (an order id is their one argument): a hook that takes or returns volunteers re-enters
    the dispatcher at once.

    Add a hook with ``append`` (or remove one): the lists themselves are fixed, since the life
    cycle holds them (``rep.hooks.placed = [f]`` raises ``FrozenInstanceError``, an
    ``AttributeError``, where a new list would go unseen)."""

    placed: list[Callable[[int], None]] = field(default_factory=list)
    escalated: list[Callable[[int], None]] = field(default_factory=list)
    assigned: list[Callable[[int], None]] = field(default_factory=list)
    cancelled: list[Callable[[int], None]] = field(default_factory=list)
    released: list[Callable[[int], None]] = field(default_factory=list)


class OrderLifecycle:
    """Places orders and moves them through the escalation ladder to their release."""

    def __init__(self, rep: Replication, handed_up: dict[int, int]):
        """``handed_up``: the orders their village team hands up at placement -> that team
        (:func:`sim.model.hand_up.handed_up_orders`). The parts that need the life cycle in
        turn come in by :meth:`connect`."""
        world = rep.world
        self.env = rep.env
        self.orders = rep.orders
        self.dispatcher = rep.dispatcher
        self.horizon = rep.horizon  # minutes; timers due at or after it never fire
        self.hooks = OrderHooks()
        self.handed_up = handed_up
        # set by :meth:`connect`: where professional orders go, dispatch as alerts and the ferry
        self.administrator: Administrator | None = None
        self.alerts: Alerts | None = None
        self.ferry: Ferry | None = None
        # minutes an order waits at a tier before escalating: (channel, zone, tier - 1) -> minutes
        # (inf: never escalates); the catalogue's, (zone, tier - 1), for :meth:`place`
        self.channel_timeouts = world.channel_timeouts.tolist()
        self.catalogue_timeouts = self.channel_timeouts[CATALOGUE]
        self.top_tier = world.channel_top_tier.tolist()  # per channel: the highest tier it reaches
        self.trip = world.travel.trip  # minutes between two places (Replication.set_travel)
        # minutes of a trip within one place (no travel matrix), for the common trip-free case
        self.same_place_trip = world.travel.setup if world.travel.matrix is None else None
        # the hook lists, read on every order (the same list objects as ``hooks``')
        self._placed, self._assigned = self.hooks.placed, self.hooks.assigned
        self._released = self.hooks.released
        # the bound methods, made once (each access to env.timeout makes a new one)
        self._timeout = self.env.timeout
        self._on_release = self._release
        self._on_escalation = self._escalate
        self._on_patience = self._cancel
        self._on_fallback = self._fall_back

    def connect(self, administrator: Administrator, alerts: Alerts | None, ferry: Ferry | None) -> None:
        """The parts made after the life cycle, since they call it in turn: the county
        administrator (where professional orders go, :mod:`.administrator`), dispatch as alerts
        if the scenario has them (:mod:`.alerts`; None: orders go to the nearest free team) and
        the ferry to the islands if it has one (:mod:`.ferry`)."""
        self.administrator, self.alerts, self.ferry = administrator, alerts, ferry

    def at(self, when: float, callback, value) -> None:
        """Run ``callback(event)`` at time ``when`` (minutes) through a SimPy timeout carrying
        ``value``; nothing at or after the horizon (it would never fire)."""
        if when < self.horizon:
            delay = when - self.env.now
            self._timeout(delay if delay > 0.0 else 0.0, value).callbacks.append(callback)

    # ------------------------------------------------------------------ 1. placed
    def place(self, order: int) -> None:
        """The citizen places ``order`` now.

        The common case, an ordinary order whose village scope offers its skill, is matched
        here as :meth:`enter_tier` would at tier 1, without its general machinery."""
        orders, d = self.orders, self.dispatcher
        if self._placed:
            self._run_hooks(self._placed, order)
        if orders.professional[order]:
            self._start_patience(order, None)
            orders.state[order] = AT_ADMIN
            orders.tier_max[order] = COUNTY_TIER
            self.administrator.submit(order)
            return
        if not orders.ordinary[order] or self.alerts is not None:
            self.enter_first_tier(order)
            return
        place, skill, need = orders.place[order], orders.skill[order], orders.need[order]
        spare, skills = d.spare, d.skills
        first, able = -1, None  # the first able team; the list only when there are more
        for team in d.tier1_catalogue[place]:
            if spare[team] >= need and skill in skills[team]:
                if first < 0:
                    first = team
                elif able is None:
                    able = [first, team]
                else:
                    able.append(team)
        if able is not None:
            self.assign(order, d.rank_teams(able, place))
        elif first >= 0:
            self.assign(order, first)
        else:  # nobody free in the village scope: wait there
            d.enqueue(order, orders.deadline(order))
            escalation = self.env.now + self.catalogue_timeouts[orders.zone[order]][0]
            deferred = self._start_patience(order, escalation)
            self.at(escalation, self._on_escalation, (order, 1, deferred))

    def enter_first_tier(self, order: int, patience: bool = True) -> None:
        """Send a new order to tier 1, or up to tier 2 at once when its village team hands it up
        (:attr:`handed_up`); ``patience`` as for :meth:`enter_tier`."""
        team = self.handed_up.get(order) if self.handed_up else None
        if team is None:
            self.enter_tier(order, 1, placed=True, patience=patience)
        else:
            self.hand_up(order, team, patience)

    def hand_up(self, order: int, team: int, patience: bool = True) -> None:
        """The village team ``team`` cannot provide the new ``order`` (村里提供不了的就由乡镇实践所协调):
        it declines it and the order goes up to tier 2, its town, at once (``t_handed_up`` and
        ``t_tier2`` are now). The declining team never takes it, at any tier
        (:attr:`sim.model.dispatcher.Dispatcher.declined`)."""
        self.orders.t_handed_up[order] = self.env.now
        self.dispatcher.declined[order] = team
        self.enter_tier(order, 2, placed=True, patience=patience)

    # ------------------------------------------------------------------ 2. tiers and timers
    def enter_tier(
        self,
        order: int,
        tier: int,
        placed: bool = False,
        patience: bool = True,
        patience_deferred: bool = False,
    ) -> None:
        """Put a waiting order at ``tier`` (escalating at once past scopes without its skill):
        a free able team takes it now, or it waits in the tier's queue, with an escalation
        timer below its channel's top tier (``World.channel_top_tier``: the county for the
        catalogue; none for professional orders).

        ``placed``: the order is new; the citizen's patience timer starts only if it has to
        wait (an order assigned at once can no longer be cancelled), and only with
        ``patience``. ``patience_deferred``: the order escalates with its patience timer not
        yet booked (:meth:`_start_patience`), which this tier books if the order waits here."""
        orders, d, now = self.orders, self.dispatcher, self.env.now
        top = self.top_tier[orders.channel[order]]
        # the tiers it passes without waiting in their queues: below ``tier`` for a new order
        # (a hand-up enters at tier 2), and those whose scope offers nobody the skill now
        passed = 1 if placed else tier
        while tier < top and not d.scope_offers(order, tier, now):
            tier += 1
        orders.tier[order] = tier
        if tier > orders.tier_max[order]:
            orders.tier_max[order] = tier
        if tier >= 2 and math.isnan(orders.t_tier2[order]):  # first time at tier 2
            orders.t_tier2[order] = now
        if tier >= COUNTY_TIER and order not in orders.t_tier3:
            orders.t_tier3[order] = now
        if not placed:
            self._run_hooks(self.hooks.escalated, order)
        if self._offer(order):
            return  # taken: its patience no longer counts
        if d.keep_lower:
            # their teams may still take it (the scope widens): they find it in their own
            # tier's queue, as they find an order that waited there and escalated
            deadline = orders.deadline(order)
            for lower in range(passed, tier):
                d.enqueue(order, deadline, lower)
        escalation = None  # when the order escalates from this tier, if it does
        if tier < top and not orders.professional[order]:
            # (inf for a channel whose orders never escalate: the timer is never booked)
            escalation = now + self.channel_timeouts[orders.channel[order]][orders.zone[order]][tier - 1]
        deferred = False  # whether the escalation timer carries the patience on
        if (placed and patience) or patience_deferred:
            deferred = self._start_patience(order, escalation)
        if escalation is not None:
            self.at(escalation, self._on_escalation, (order, tier, deferred))

    def _escalate(self, event) -> None:
        """An escalation timer fired: the order moves up if it still waits at that tier. The
        timer's value is (order, tier, whether the order's patience timer waits for it)."""
        order, tier, patience_deferred = event.value
        orders = self.orders
        if orders.state[order] != WAITING:
            return  # taken or cancelled: its patience no longer counts
        if orders.tier[order] != tier:  # moved up another way (an extension): patience counts now
            if patience_deferred:
                self._start_patience(order, None)
            return
        if self.alerts is not None and self.alerts.take_acceptance_due(order):
            return  # accepted this very minute, within the tier's timeout
        # (books the patience timer if it ends before the next escalation, or there is none)
        self.enter_tier(order, tier + 1, patience_deferred=patience_deferred)

    def reviewed(self, order: int, organisation: int | None = None) -> None:
        """The administrator has reviewed a professional order (unless the citizen cancelled it
        meanwhile): it goes to the ``organisation`` the administrator selected
        (:meth:`direct`), or, with none, joins the county tier."""
        if self.orders.state[order] != AT_ADMIN:
            return
        self.orders.state[order] = WAITING
        if organisation is None:
            self.enter_tier(order, COUNTY_TIER)
        else:
            self.direct(order, organisation)

    def direct(self, order: int, team: int) -> None:
        """The administrator selected ``team`` for a reviewed order: the team takes it now if
        enough of its volunteers are free, else it waits at the team's desk; after
        ``admin.fallback_after_min`` minutes not taken it also joins the county tier
        (:meth:`_fall_back`)."""
        orders, d, now = self.orders, self.dispatcher, self.env.now
        orders.tier[order] = orders.tier_max[order] = COUNTY_TIER
        orders.t_tier3[order] = now
        orders.directed[order] = team
        self._run_hooks(self.hooks.escalated, order)
        if d.spare[team] >= orders.need[order]:
            self.assign(order, team)
            return
        orders.at_desk.add(order)
        d.direct(order, team, orders.deadline(order))
        self.at(now + self.administrator.fallback_after_min, self._on_fallback, order)

    def _fall_back(self, event) -> None:
        """An order waited at the selected team's desk for ``admin.fallback_after_min``: it
        leaves the desk for the county tier, where any county-tier team with its skill may take
        it (the selected team too); with dispatch as alerts, the county tier's volunteers are
        alerted, as for any order entering a tier."""
        order = event.value
        if order not in self.orders.at_desk:
            return  # taken, or cancelled
        self.dispatcher.leave_desk(order)
        self._offer(order)

    def _offer(self, order: int) -> bool:
        """Offer a waiting order to its current scope now: the nearest free able team takes it
        (with dispatch as alerts, a wave of alerts goes out instead, and an acceptance takes it
        later); else it joins its tier's queue. Returns whether it was assigned now."""
        team = self.dispatcher.find_team(order) if self.alerts is None else self.alerts.wave(order)
        if team is not None:
            self.assign(order, team)
            return True
        self.dispatcher.enqueue(order, self.orders.deadline(order))
        return False

    # ------------------------------------------------------------------ 3. patience
    def _start_patience(self, order: int, escalation: float | None) -> bool:
        """The citizen's patience for an order that has to wait: it is cancelled at placement
        plus patience (minutes) if still waiting then (an infinite patience never ends).

        When the patience outlasts the order's next escalation (at ``escalation``), the timer
        is not booked yet, and this returns True: the escalation timer carries that on, and
        only if the order still waits then does the next tier call this again
        (:meth:`_escalate`, through :meth:`enter_tier`). Most orders are taken before, and their
        timers would sit dead in SimPy's queue (a third of it, without this, on the default
        scenario)."""
        orders = self.orders
        ends = orders.t_placed[order] + orders.patience[order]
        if ends >= self.horizon:
            return False  # the run ends first
        if escalation is not None and ends > escalation:
            return True
        self.at(ends, self._on_patience, order)
        return False

    def _cancel(self, event) -> None:
        """The citizen's patience ran out: an order still waiting (or under review) is
        cancelled; an alert acceptance due this very minute takes it first (accepted within
        the patience, as within a tier's timeout: :meth:`_escalate`)."""
        order = event.value
        orders = self.orders
        alerts = self.alerts
        if alerts is not None and orders.state[order] == WAITING and alerts.take_acceptance_due(order):
            return
        if orders.state[order] in (WAITING, AT_ADMIN):
            orders.state[order] = CANCELLED
            orders.t_cancelled[order] = self.env.now
            if order in orders.at_desk:
                self.dispatcher.leave_desk(order)
            self._run_hooks(self.hooks.cancelled, order)

    # ------------------------------------------------------------------ 4. assigned .. closed
    def assign(self, order: int, team: int) -> None:
        """Give a waiting order to ``team`` now: its volunteers accept after the order's
        acceptance delay (the response), travel, serve and travel home; their release is
        scheduled at the end of the trip home (minutes). A trip by ferry waits for the ferry's
        sailings (:meth:`_by_ferry`), so its times are set as they happen."""
        orders, d, now = self.orders, self.dispatcher, self.env.now
        orders.state[order] = ASSIGNED
        d.take(team, orders.need[order])
        orders.team[order] = team
        orders.t_assigned[order] = now
        home, place = d.home[team], orders.place[order]
        if self.ferry is not None and self.ferry.crosses(home, place):
            self.env.process(self._by_ferry(order, home, place))
            self._run_hooks(self._assigned, order)
            return
        # they set off after accepting; with alerts, after their turnout (the trip's set-off
        # minutes are then the turnout's, so they are taken out of it)
        departs = accepted = now + orders.accept_delay[order]
        if self.alerts is not None:
            departs = accepted + (self.alerts.turnout(order, accepted) - self.alerts.setoff)
        if home == place and self.same_place_trip is not None:
            arrived = departs + self.same_place_trip
            closed = arrived + orders.service[order]
            released = closed + self.same_place_trip
        else:
            arrived = departs + self.trip(home, place)
            closed = arrived + orders.service[order]
            released = closed + self.trip(place, home)
        orders.t_arrived[order] = arrived
        orders.t_released[order] = released
        if self._assigned:
            self._run_hooks(self._assigned, order)
        if released < self.horizon:  # (else the run ends before they are back)
            self._timeout(released - now, order).callbacks.append(self._on_release)

    @staticmethod
    def _run_hooks(hooks: list, order: int) -> None:
        """Call each of ``hooks`` with ``order`` (:class:`OrderHooks`)."""
        for hook in hooks:
            hook(order)

    def _by_ferry(self, order: int, home: int, place: int):
        """SimPy process of an order whose volunteers cross by ferry: accept, travel out,
        serve, travel home; then they are released as after a land trip."""
        env, orders = self.env, self.orders
        yield env.timeout(orders.accept_delay[order])
        set_off_change = 0.0  # with alerts, the turnout replaces the set-off (as in assign)
        if self.alerts is not None:
            set_off_change = self.alerts.turnout(order, env.now) - self.alerts.setoff
        yield from self.ferry.journey(home, place, set_off_change)
        orders.t_arrived[order] = env.now
        yield env.timeout(orders.service[order])
        yield from self.ferry.journey(place, home)
        orders.t_released[order] = env.now
        self._timeout(0.0, order).callbacks.append(self._on_release)

    # ------------------------------------------------------------------ 4b. batched delivery
    def hold_for_batch(self, order: int, event: int) -> None:
        """The citizen places ``order`` now on the platform of a batched event (:mod:`.batches`;
        ``event``: its index in the scenario's ``events``): the placed hooks run, and the order
        waits (tier 1) outside the dispatcher's queues, with no escalation and no patience
        timer, until a batch takes it. The order is the event's from now on: its promise is the
        event's deadline, even if no batch takes it (:meth:`dispatch_held`)."""
        self.orders.platform_event[order] = event
        if self._placed:
            self._run_hooks(self._placed, order)

    def dispatch_held(self, order: int) -> None:
        """A held order that no batch took before its event ended goes to the ordinary dispatch
        now, at tier 1 (escalating as any order; handed up to tier 2 at once when its village
        team cannot provide it, :attr:`handed_up`), with no patience timer: the resident has
        been waiting on the platform's promise."""
        self.enter_first_tier(order, patience=False)

    def assign_batch(
        self, ids: list[int], team: int, batch: int, arrived: float, handover: float, released: float
    ) -> None:
        """A crew of ``team`` takes batch number ``batch`` (the orders ``ids``) now: for each
        order the team, the assignment and its acceptance (now: the response of a batched
        order), the crew's arrival at its place, its closing at ``arrived + handover`` and the
        crew's return ``released`` (minutes; NaN while not known, on a ferry crossing:
        :meth:`batch_arrived` sets the arrival, :meth:`batch_done` the return). The batch's
        times replace the order's own acceptance
        delay and service. Runs the assigned hooks."""
        orders, now = self.orders, self.env.now
        for order in ids:
            orders.state[order] = ASSIGNED
            orders.team[order] = team
            orders.t_assigned[order] = now
            orders.accept_delay[order] = 0.0
            orders.t_arrived[order] = arrived
            orders.service[order] = handover
            orders.t_released[order] = released
            orders.batch[order] = batch
        if self._assigned:
            for order in ids:
                self._run_hooks(self._assigned, order)

    def batch_arrived(self, ids: list[int], arrived: float) -> None:
        """A batch's crew crossing by ferry has reached its place now: record the arrival
        (minutes; the orders close at ``arrived`` + the batch's handover)."""
        for order in ids:
            self.orders.t_arrived[order] = arrived

    def batch_done(self, ids: list[int], team: int, volunteers: int, released: float) -> None:
        """A batch's crew, ``volunteers`` of ``team``, is back now (``released``, minutes): as
        after an order's release (:meth:`_release`), they are free, the released hooks of the
        batch's orders run, then the team takes waiting work."""
        orders = self.orders
        may_take_work = self.dispatcher.give_back(team, volunteers)
        for order in ids:
            orders.t_released[order] = released
        if self._released:
            for order in ids:
                self._run_hooks(self._released, order)
        if may_take_work:
            self.serve_waiting(team)

    # ------------------------------------------------------------------ 5. released
    def _release(self, event) -> None:
        """An order's volunteers are back home and free: they take waiting work if any."""
        order, orders, d = event.value, self.orders, self.dispatcher
        team = orders.team[order]
        may_take_work = d.give_back(team, orders.need[order])
        if self._released:
            self._run_hooks(self._released, order)
        if may_take_work:
            self.serve_waiting(team)

    def serve_waiting(self, team: int) -> None:
        """Give ``team``'s free volunteers the waiting orders they should take, one by one
        (after a release, a shift start or an activity's end)."""
        find_order = self.dispatcher.find_order
        while True:
            order = find_order(team)
            if order is None:
                return
            self.assign(order, team)
