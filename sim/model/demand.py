"""Order arrivals: a non-homogeneous Poisson process per place, with an item mix.

The rate of place p in hour h is ``population x orders per 1,000 per day / 1440 x weekly
profile[h]`` orders per minute; within an hour it is constant, so the number of orders in each
simulated hour is Poisson and their times are uniform inside the hour (exact for a piecewise-
constant rate). Each place draws from its own stream ``arrivals/<place code>``, and every order
also carries the uniforms that later fix its service time, patience and acceptance delay, so the
same order behaves the same way in two scenarios run with the same seed. Surges (scenario
``events``) multiply a place's hourly rate and change its item mix inside their window, still on
the place's own stream, so the other places' orders are unchanged.

The orders are drawn for the whole run at set-up (:func:`generate_arrivals`: whole-array draws,
and each place's stream independent of the model's state) and placed by :class:`OrderArrivals`,
the citizens ordering on the platform, as a chain of SimPy timeouts (a surge's orders by the
surge's own process, :mod:`sim.model.surges`).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from sim.config import distributions
from sim.config.channels import CHANNELS
from sim.model.compact import append
from sim.model.rng import Streams
from sim.world.build import World
from sim.world.geography import parse_clock
from sim.world.surges import event_of
from sim.world.workforce import HOURS_PER_WEEK

if TYPE_CHECKING:
    from sim.model.replication import Replication


@dataclass
class Arrivals:
    """Orders to be placed, sorted by time (columnar). Mutable only so that a replication can
    drop the columns of arrivals it generated itself as soon as it has used them."""

    time: np.ndarray  # minutes
    place: np.ndarray
    item: np.ndarray
    u_service: np.ndarray
    u_patience: np.ndarray
    u_accept: np.ndarray
    # appointments: when the citizen booked (minutes; NaN for an order for now); ``time`` is
    # then the time asked for, from which the order is due (None: no order is an appointment)
    booked: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.time)

    @classmethod
    def empty(cls) -> Arrivals:
        """No orders (typed empty columns)."""
        return cls(*(np.empty(0, dtype=d) for d in (float, np.int32, np.int32, float, float, float)))

    @classmethod
    def from_rows(
        cls, world: World, rows: Sequence[tuple[float, str, str]], uniform: float = 0.5
    ) -> Arrivals:
        """Orders from ``(minute placed, place code, item id)`` rows, for an exact timeline (a
        test, a worked example) or a recorded day replayed under another policy
        (:func:`sim.model.replication.simulate`'s ``arrivals``). Each order's three uniforms,
        which fix its service time, patience and acceptance delay by their quantiles, are
        ``uniform`` (0.5: the medians). A place is its code or its unique name; one the world
        lacks, or an item id it lacks, raises a ValueError naming it."""
        rows = sorted(rows, key=lambda r: r[0])
        items = [i.id for i in world.items]
        places = []
        for _, place, item in rows:
            try:
                places.append(world.places.index(place))  # (a code, or a unique name)
            except KeyError:
                raise ValueError(f"place {place!r} is not in the scenario {world.scenario.name!r}") from None
            if item not in items:
                raise ValueError(f"item {item!r} is not in the scenario {world.scenario.name!r}")
        u = np.full(len(rows), float(uniform))
        return cls(
            np.array([r[0] for r in rows], dtype=float),
            np.array(places, dtype=np.int32),
            np.array([items.index(r[2]) for r in rows], dtype=np.int32),
            u,
            u.copy(),
            u.copy(),
        )


ARRIVAL_COLUMNS = ("time", "place", "item", "u_service", "u_patience", "u_accept")


def profile_by_hour(world: World, hours: int) -> np.ndarray:
    """The weekly demand profile (multiplier of the mean rate) of each simulated hour."""
    start = world.scenario.run.start_weekday * 24
    return world.week_profile[(np.arange(hours) + start) % HOURS_PER_WEEK]


def hourly_rates(world: World, place: int, hours: int, profile: np.ndarray | None = None) -> np.ndarray:
    """Mean orders in each simulated hour for one place, times the multiplier of every surge
    (scenario ``events``) covering the place at the hour's midpoint. ``profile``: the
    :func:`profile_by_hour`, when the caller made it once for every place."""
    if profile is None:
        profile = profile_by_hour(world, hours)
    rates = world.rate_per_min[place] * 60.0 * profile
    middle = (np.arange(hours) + 0.5) * 60.0
    for surge in world.surges:
        if place in surge.places:
            rates = np.where(
                (middle >= surge.start_min) & (middle < surge.end_min), rates * surge.multiplier, rates
            )
    return rates


def item_cdf(world: World) -> np.ndarray:
    """The catalogue's cumulative item shares, normalised as numpy's ``Generator.choice(p=...)``
    does, so that draws by inverse CDF match it exactly."""
    cdf = world.item_mix.cumsum()
    cdf /= cdf[-1]
    return cdf


def draw_items(
    world: World, place: int, times: np.ndarray, u: np.ndarray, cdf: np.ndarray | None = None
) -> np.ndarray:
    """Item of each order from its uniform ``u`` by inverse CDF: the catalogue's shares (``cdf``:
    the :func:`item_cdf`, when the caller made it once), or the item mix of the surge the order
    belongs to (the first covering the place at the order's time, :func:`event_of`, as for its
    delivery and its KPIs), when that surge has one."""
    items = (item_cdf(world) if cdf is None else cdf).searchsorted(u, side="right")
    if any(surge.item_cdf is not None for surge in world.surges):
        owner = event_of(world.surges, np.full(len(times), place), times)
        for k, surge in enumerate(world.surges):
            if surge.item_cdf is not None:
                items = np.where(owner == k, surge.item_cdf.searchsorted(u, side="right"), items)
    return np.minimum(items, len(world.items) - 1)


def generate_arrivals(world: World, streams: Streams, horizon_min: float) -> Arrivals:
    """Every order placed before ``horizon_min`` (minutes), sorted by time (ties: by place).

    Each place draws from its own stream; the columns grow in place, place by place (no
    per-place arrays survive the loop: at a province's size those would outweigh the data)."""
    hours = int(np.ceil(horizon_min / 60.0))
    columns = {
        "time": array("d"),
        "place": array("i"),
        "item": array("i"),
        "u_service": array("d"),
        "u_patience": array("d"),
        "u_accept": array("d"),
    }
    names = (f"arrivals/{code}" for code in world.places.code)
    profile, cdf = profile_by_hour(world, hours), item_cdf(world)  # the same for every place
    appointments = Appointments(world) if world.scenario.demand.appointments.share > 0 else None
    booking_streams = repeat(None)
    if appointments is not None:  # each place's own stream, ``appointments/<place code>``
        columns["booked"] = array("d")
        booking_streams = streams.streams(f"appointments/{code}" for code in world.places.code)
    for p, (rng, booking_rng) in enumerate(zip(streams.streams(names), booking_streams)):
        rates = hourly_rates(world, p, hours, profile)
        counts = rng.poisson(rates)
        total = int(counts.sum())
        if total == 0:
            continue
        hour = np.repeat(np.arange(hours), counts)
        times = (hour + rng.random(total)) * 60.0
        items = draw_items(world, p, times, rng.random(total), cdf)
        u = rng.random((3, total))
        if appointments is not None:
            times, booked = appointments.book(times, items, booking_rng)
            append(columns["booked"], booked)
        for name, values in (
            ("time", times),
            ("place", np.full(total, p)),
            ("item", items),
            ("u_service", u[0]),
            ("u_patience", u[1]),
            ("u_accept", u[2]),
        ):
            append(columns[name], values)
    # sorted by (time, place): a stable sort by time, as the columns were filled place by
    # place; those at or after the horizon are a tail of that order
    time = np.frombuffer(columns["time"], dtype=np.float64)
    order = np.argsort(time, kind="stable")
    order = order[: int(np.count_nonzero(time < horizon_min))]

    def gather(name: str, dtype) -> np.ndarray:
        out = np.frombuffer(columns.pop(name), dtype=dtype)[order]
        return out.astype(np.int32, copy=False) if dtype is np.intc else out

    del time
    return Arrivals(
        gather("time", np.float64),
        gather("place", np.intc),
        gather("item", np.intc),
        gather("u_service", np.float64),
        gather("u_patience", np.float64),
        gather("u_accept", np.float64),
        gather("booked", np.float64) if appointments is not None else None,
    )


class Appointments:
    """Catalogue orders booked for a later time (``demand.appointments``). The order form asks
    for a time (时间): a share of citizens ask for a later one, ``lead`` minutes after booking,
    moved to the next opening of ``hours`` when it falls outside them. The order is due from
    the time asked for: it reaches the platform's queues then, and its promise counts from it."""

    def __init__(self, world: World):
        settings = world.scenario.demand.appointments
        self.share, self.lead = settings.share, settings.lead
        self.opens, self.closes = (parse_clock(t) for t in settings.hours)
        self.catalogue = world.item_channel == CHANNELS.index("catalogue")

    def book(
        self, times: np.ndarray, items: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """(the times the orders are due, the booking times: NaN for orders for now) of one
        place's orders placed at ``times`` (minutes), from the place's own stream ``rng``."""
        u = rng.random((2, len(times)))
        booking = (u[0] < self.share) & self.catalogue[items]
        asked = times + distributions.quantile(self.lead, u[1])
        minute = asked % 1440.0
        asked += np.where(minute < self.opens, self.opens - minute, 0.0)
        asked += np.where(minute >= self.closes, 1440.0 - minute + self.opens, 0.0)
        return np.where(booking, asked, times), np.where(booking, times, np.nan)


def merge_arrivals(parts: Sequence[Arrivals], owned: bool = False) -> Arrivals:
    """One order stream from several (the catalogue's and each channel's, :mod:`.channels`),
    sorted by time; ties keep the order of ``parts`` (then each part's own order). ``owned``:
    the parts were drawn for this merge alone, so each of their columns is dropped once merged
    (the set-up's peak memory then holds the parts and one merged column, not two copies)."""
    parts = [p for p in parts if len(p)]
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return Arrivals.empty()
    lengths = [len(p) for p in parts]
    booked = None
    if any(p.booked is not None for p in parts):
        booked = np.concatenate(
            [np.full(k, np.nan) if p.booked is None else p.booked for p, k in zip(parts, lengths)]
        )
        if owned:
            for p in parts:
                p.booked = None
    # one column at a time (concatenated, then put in time order), so that the transient memory
    # is one column, not a second copy of them all
    by_time, columns = None, []
    for name in ARRIVAL_COLUMNS:
        column = np.concatenate([getattr(p, name) for p in parts])
        if owned:
            for p in parts:
                setattr(p, name, None)
        if by_time is None:  # the first column: the times
            by_time = np.argsort(column, kind="stable")
        columns.append(column[by_time])
        del column
    if booked is not None:
        booked = booked[by_time]
    return Arrivals(*columns, booked)


class OrderArrivals:
    """The citizens placing orders, each at its drawn time (minutes), until the horizon: a
    chain of SimPy timeouts, each placing its order and booking the next (the per-order hot
    path: a timeout with a callback is the cheapest SimPy event, a process step costs half as
    much again). ``ids``: the orders this chain places, in time order (all of them, but those
    a surge places: :mod:`sim.model.surges`)."""

    def __init__(self, rep: Replication, ids: Sequence[int]):
        self.env, self.place = rep.env, rep.lifecycle.place
        self.ids, self.n = ids, len(ids)
        self.t_placed, self.horizon = rep.orders.t_placed, rep.horizon
        self.next = -1  # the position in ``ids`` of the order due at the pending timeout
        self._timeout = self.env.timeout  # the bound methods, made once
        self._on_arrival = self._arrive

    def start(self) -> None:
        """Book the first order's arrival (a start event that places nothing)."""
        self._timeout(0.0).callbacks.append(self._on_arrival)

    def _arrive(self, event) -> None:
        """The chain's next order is due: place it, then book the arrival of the one after it
        if it comes before the horizon (one timeout pending at a time, so the chain keeps its
        position itself)."""
        k = self.next
        if k >= 0:
            self.place(self.ids[k])
        k = self.next = k + 1
        if k < self.n:
            when = self.t_placed[self.ids[k]]
            if when < self.horizon:
                delay = when - self.env.now
                self._timeout(delay if delay > 0.0 else 0.0).callbacks.append(self._on_arrival)
