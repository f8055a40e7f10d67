"""One replication of a world as a SimPy model: ``simulate(world, seed) -> RunLog``.

A :class:`Replication` holds a ``simpy.Environment`` and composes the model's parts:

* the order table (:mod:`.orders`): every order's fields and state, one typed column each;
* the dispatcher (:mod:`.dispatcher`): waiting orders, free volunteers, the escalation scopes;
* the order life cycle (:mod:`.lifecycle`): placement, tiers, escalation and patience timers,
  assignment, travel, service and release, with hooks on each order event;
* the citizens placing orders (:mod:`.demand`, a chain of SimPy timeouts), and surge events
  placing theirs (:mod:`.surges`, a SimPy process each; a batched event's platform collects
  its orders and designated volunteers deliver them in batches, :mod:`.batches`);
* the village teams' hand-ups (:mod:`.hand_up`), drawn at set-up;
* the behaviours, each a SimPy process: the duty roster (:mod:`.roster`), the county
  administrator's reviewers (:mod:`.administrator`), planned group activities
  (:mod:`.activities`) and the ferry's timetable (:mod:`.ferry`).

Extensions add their own processes with :meth:`Replication.add_process` and subscribe to order
events through ``rep.hooks`` (docs/extending.md has worked examples). The model writes no
files; everything observable is in the logs that :meth:`Replication.run` returns.
"""

from __future__ import annotations

import gc
import math
from array import array
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager

import numpy as np
import simpy

from sim.model.activities import plan_activities, planned_activities
from sim.model.administrator import Administrator
from sim.model.alerts import Alerts
from sim.model.batches import BatchedDelivery, collection
from sim.model.channels import ARRIVALS as CHANNEL_ARRIVALS
from sim.model.demand import Arrivals, OrderArrivals, generate_arrivals, merge_arrivals
from sim.model.dispatch_rules import Rule
from sim.model.dispatcher import Dispatcher
from sim.model.ferry import Ferry
from sim.model.hand_up import handed_up_orders
from sim.model.lifecycle import OrderHooks, OrderLifecycle
from sim.model.orders import OrderTable
from sim.model.rng import Streams
from sim.model.roster import duty_changes, duty_roster
from sim.model.run_log import run_log
from sim.model.surges import split_orders, surge
from sim.results.logs import RunLog
from sim.world.build import World


def horizon_minutes(world: World) -> tuple[float, float, float]:
    """(window start, window end, horizon) in minutes for the scenario's run settings."""
    run = world.scenario.run
    start = run.warmup_days * 1440.0
    end = start + run.days * 1440.0
    return start, end, end + run.drain_days * 1440.0


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a simulation run; restore its state after.

    Reference counting frees what a run makes and drops (SimPy timeouts and their callbacks,
    an order's tuples): the model makes no reference cycles per order
    (``tests/test_replication_api.py`` checks). The cyclic collector would still traverse, every
    few thousand allocations, the long-lived containers of the world and the replication
    (millions of references at 100 times the county): a fifth of a 100x run's time, finding
    nothing. The standard library's ``timeit`` pauses it likewise."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Replication:
    """One run of ``world`` with ``seed``: build it, add extensions, then :meth:`run` once.

    ``arrivals`` replays a given order stream (sorted by time) instead of drawing one from the
    demand model; ``rule`` replaces the scenario's dispatch rule with a rule object.

    What an extension reads (docs/extending.md): ``env`` (the SimPy environment; ``env.now``
    in minutes from 00:00 of day 0), ``horizon`` (the minute the run ends), ``window_start`` and
    ``window_end`` (the measured window, minutes: the KPIs count the orders placed in it),
    ``orders`` (the order table), ``world``, ``hooks``; ``dispatcher``, ``lifecycle`` and
    ``alerts`` are the model's own parts, to read."""

    def __init__(
        self,
        world: World,
        seed: np.random.SeedSequence,
        arrivals: Arrivals | None = None,
        rule: Rule | None = None,
    ):
        self.world = world
        self.scenario = world.scenario
        self.streams = Streams(seed)
        self.window_start, self.window_end, self.horizon = horizon_minutes(world)
        self.env = simpy.Environment()
        # on-duty counts first: their set-up's scratch memory is freed before the orders' state
        # exists (each source has its own named stream, so the order of set-up changes nothing)
        self.hours = int(math.ceil(self.horizon / 60.0))  # simulated hours, the rosters' grid
        # every team's on-duty count over the run, as its changes at shift boundaries (the duty
        # roster applies them; ``dispatcher.on_duty`` is the count now)
        self.duty_changes = duty_changes(
            world.teams,
            self.hours,
            self.scenario.run.start_weekday,
            self.scenario.teams.show_up,
            self.streams,
        )
        owned = arrivals is None
        if owned:  # the catalogue's orders, and those of each channel with its own arrivals
            arrivals = merge_arrivals(
                [generate_arrivals(world, self.streams, self.horizon)]
                + [channel(world, self.streams, self.horizon) for channel in CHANNEL_ARRIVALS],
                owned=True,
            )
        self.orders = OrderTable(world, arrivals, owned)
        del arrivals  # the table keeps its own compact copies (and no uniforms)
        self.dispatcher = Dispatcher(world, self.orders, rule, self.env)
        # orders their village team hands up at placement (none unless dispatch.hand_up.share)
        handed_up = handed_up_orders(world, self.orders, self.streams)
        self.lifecycle = OrderLifecycle(self, handed_up)
        self.administrator = Administrator(self)
        # dispatch as alerts: waves, acceptance and turnout (none unless dispatch.alerts)
        self.alerts = Alerts(self) if self.scenario.dispatch.alerts is not None else None
        self.ferry = None
        if world.travel.ferry_departures and world.travel.matrix is None:
            self.ferry = Ferry(self.env, world.travel)
        self.lifecycle.connect(self.administrator, self.alerts, self.ferry)
        # the activity log's typed columns as activities start: team, start, end (minutes),
        # participants asked, volunteers pulled from the free ones
        self.activity_rows = (array("q"), array("d"), array("d"), array("q"), array("q"))
        # the batch log's columns as batched events' trips start (:mod:`.batches`), in
        # :class:`sim.results.logs.BatchLog`'s order: event, place, team, volunteers, orders,
        # then the times start, arrived, closed, released (minutes)
        self.batch_rows = (*(array("q") for _ in range(5)), *(array("d") for _ in range(4)))
        self._ran = False

    # ------------------------------------------------------------------ extension surface
    @property
    def hooks(self) -> OrderHooks:
        """The order events' callbacks (:class:`sim.model.lifecycle.OrderHooks`): append to its
        lists."""
        return self.lifecycle.hooks

    def add_process(self, behaviour: Callable[..., Generator], *args) -> simpy.Process:
        """Start ``behaviour(rep, *args)``, a generator function (or a function that returns a
        generator, as :func:`sim.model.roster.duty_roster` does to book its wake-ups first), as
        a SimPy process of this replication (before :meth:`run`, or from inside another process
        or hook). Its events use ``rep.env`` (minutes); it may read ``rep.orders`` and
        ``rep.dispatcher`` and act through :meth:`take_volunteers`, :meth:`return_volunteers`,
        :meth:`set_travel`, the hooks and ``rep.lifecycle``'s batch methods (``hold_for_batch``,
        ``assign_batch``, ``batch_arrived``, ``batch_done``)."""
        return self.env.process(behaviour(self, *args))

    def take_volunteers(self, team: int, count: int, logged: bool = False) -> None:
        """``count`` on-duty volunteers of ``team`` become unavailable now (an activity, an
        absence); any of them busy with an order finish it first (the team's free count may
        go negative until they are back). The log keeps the change (``RunLog.away``), so the
        miss causes count them busy; ``logged``: a log of the caller's own holds it already
        (the activity log, the batch log), so it is not noted twice."""
        if logged:
            self.dispatcher.take(team, count)
        else:
            self.dispatcher.take_away(team, count)

    def return_volunteers(self, team: int, count: int, logged: bool = False) -> None:
        """``count`` volunteers of ``team`` taken by :meth:`take_volunteers` (with the same
        ``logged``) are available again; the team takes waiting orders at once."""
        d = self.dispatcher
        if d.give_back(team, count) if logged else d.come_back(team, count):
            self.lifecycle.serve_waiting(team)

    def set_travel(self, trip: Callable[[int, int], float]) -> None:
        """Use ``trip(a, b)``, minutes from place ``a`` to place ``b`` (indices into
        ``world.places``), for every land trip this replication computes from now on: an order's
        way out and home, fixed at its assignment, and a batch's (:mod:`.batches`). Weather or
        road works wrap the world's own, ``rep.world.travel.trip``; ``set_travel`` with it again
        restores normal travel. A crossing by ferry keeps its timetable and its land legs
        (:mod:`.ferry`). The world is shared by every replication of an experiment: it is never
        changed."""
        self.lifecycle.trip = trip
        self.lifecycle.same_place_trip = None  # every trip through ``trip``, within a place too

    # ------------------------------------------------------------------ run
    def drop_working_state(self) -> None:
        """Free what only the run needed (the run is over; :func:`sim.model.run_log.run_log`
        calls this before making the log's columns, so that they reuse the memory)."""
        self.orders.drop_working_state()
        self.dispatcher.drop_run_state()
        if self.alerts is not None:
            self.alerts.drop_working_state()

    def run(self) -> RunLog:
        """Start the behaviours, simulate to the horizon (minutes) and return the logs."""
        if self._ran:
            raise RuntimeError("a Replication runs once; make a new one for another run")
        self._ran = True
        # (the administrator's reviewers and the ferry's timetable run from their set-up, in
        # __init__: each part's processes start with it, so a Ferry or an Administrator works
        # on its own environment too)
        self.add_process(duty_roster, self.duty_changes, self.hours)
        self.add_process(planned_activities, plan_activities(self.world, self.streams, self.horizon))
        citizens, by_surge = split_orders(self.world.surges, self.orders)
        OrderArrivals(self, citizens).start()
        for k, (event, ids) in enumerate(zip(self.world.surges, by_surge)):
            platform = None
            if event.batched:
                platform = BatchedDelivery(self, k, event)
                self.add_process(collection, platform)
            self.add_process(surge, event, ids, platform)
        with cyclic_gc_paused():
            self.env.run(until=self.horizon)
        return run_log(self)


def simulate(
    world: World,
    seed: np.random.SeedSequence | int,
    arrivals: Arrivals | None = None,
    rule: Rule | None = None,
) -> RunLog:
    """Run one replication of ``world`` with ``seed``; return its logs (writes no files).

    ``arrivals`` replays a given order stream (sorted by time) instead of generating one from
    the demand model: exact timelines in tests, or a recorded day replayed under a new policy.
    ``rule`` replaces the scenario's dispatch rule (docs/extending.md).
    """
    if not isinstance(seed, np.random.SeedSequence):
        seed = np.random.SeedSequence(seed)
    return Replication(world, seed, arrivals, rule).run()
