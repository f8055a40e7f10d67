"""The model's event calendar, merged with SimPy's queue by the same keys.

The model's events (releases, escalations, cancellations, duty ticks, activities, the
administrator) live in its own heap, ``_calendar``, as light tuples (time, priority, event id,
handler, arg), with event ids from SimPy's own counter, so that they are ordered against SimPy's
queue exactly as if they were in it. The next arrival is kept aside with its key (time,
priority, event id, order). SimPy's queue holds, besides any foreign event (the run's stop, a
SimPy process's timeout), one wake-up event keyed just before the model's earliest pending one;
SimPy's ``step`` fires it, and :meth:`EventCalendar._drain` then runs the model's events in key
order for as long as none of SimPy's comes first. An event costs a tuple and a heap push and
pop, not a SimPy event object, a ``step`` call and a callback list.
"""

from __future__ import annotations

import math
from heapq import heapify, heappop, heappush

import simpy
from simpy.events import NORMAL


def _fire_callback(call: _Call) -> None:
    call.handler(call)


def bucket_minutes(orders_per_minute: float) -> float:
    """The event calendar's bucket width (minutes, a power of two): one bucket for the whole
    run (a plain heap) when a few hundred events are pending at most, as in a county; else
    about 64 events a bucket, at some 3 events an order (a release, a timer or two)."""
    events_per_minute = 3 * orders_per_minute
    if events_per_minute * 120 < 1000:  # events pending about two hours ahead
        return 2.0 ** 40
    return 2.0 ** max(0, round(math.log2(64 / events_per_minute)))


class _Call:
    """A bare scheduled callback ``handler(self)`` in SimPy's queue (the model's wake-up
    event): what a SimPy Timeout with a callback does, without allocating the timeout and its
    callback list (``step`` only needs ``callbacks`` and ``_ok``)."""

    __slots__ = ("handler", "arg", "callbacks")
    _ok = True

    def __init__(self, handler, arg, callbacks):
        self.handler = handler
        self.arg = arg
        self.callbacks = callbacks


class EventCalendar:
    """Scheduling for a model on a SimPy environment; the model supplies
    ``_next_arrival(order)`` (place an order, book the next one) and ``t_placed``/``n_orders``."""

    n_orders: int
    t_placed: list[float]

    def __init__(self, env: simpy.Environment, horizon: float, width: float = 64.0):
        self.env = env
        self.horizon = horizon  # minutes; nothing is scheduled at or after it
        self._callbacks = (_fire_callback,)
        # the events due before _soon_end, a heap of (time, priority, event id, handler, arg);
        # later ones wait unsorted in buckets of ``width`` minutes (a power of two, so that
        # bucket bounds are exact floats), heaped one bucket at a time when the heap runs dry:
        # the heap stays small (and in cache) however many events are pending, and the keys,
        # hence the order of events, are the same as in one heap
        if width <= 0 or 2.0 ** round(math.log2(width)) != width:
            raise ValueError(f"bucket width {width} is not a power of two")
        self._width = width
        self._calendar: list[tuple] = []
        self._soon_end = width
        self._later: dict[int, list[tuple]] = {}  # bucket index -> its events
        self._later_keys: list[int] = []  # heap of the bucket indices in _later
        self._wake_keys: set[tuple] = set()  # keys of the wake-up events in SimPy's queue
        self._draining = False
        self._eid = env._eid  # SimPy's event id counter, shared by the model's events
        # the next arrival, set aside: (time, priority, event id, order)
        self._arrival: tuple[float, int, int, int] | None = None

    def _next_arrival(self, order: int) -> None:
        raise NotImplementedError

    def _fire(self, call: _Call) -> None:
        """SimPy callback of a wake-up event: run the model's events that are due."""
        self._wake_keys.discard(call.arg)
        self._drain()

    def _push(self, entry: tuple) -> None:
        """Put an event (time, priority, event id, handler, arg) on the calendar."""
        if entry[0] < self._soon_end:
            heappush(self._calendar, entry)
        else:
            self._push_later(entry)

    def _push_later(self, entry: tuple) -> None:
        """Put an event due at or after ``_soon_end`` in its bucket."""
        index = int(entry[0] // self._width)
        bucket = self._later.get(index)
        if bucket is None:
            self._later[index] = [entry]
            heappush(self._later_keys, index)
        else:
            bucket.append(entry)

    def _next_bucket(self) -> None:
        """The heap ran dry: heap the earliest bucket's events (all later than the heap's)."""
        index = heappop(self._later_keys)
        calendar = self._calendar
        calendar.extend(self._later.pop(index))
        heapify(calendar)
        self._soon_end = (index + 1) * self._width

    def _drain(self) -> None:
        """Run the model's events (calendar and booked arrival) in (time, priority, event id)
        order while each comes before the head of SimPy's queue; then leave a wake-up event."""
        env = self.env
        foreign = env._queue
        calendar = self._calendar
        self._draining = True
        # SimPy's head: nothing but SimPy's own step changes its queue while the model's handlers
        # run (they schedule on the calendar), so it is read once, and again after a drop
        limit = foreign[0] if foreign else None
        later = self._later_keys
        while True:
            if not calendar and later:
                self._next_bucket()
            # keys compare on their first three items: event ids are unique
            arrival = self._arrival
            if calendar and (arrival is None or calendar[0] < arrival):
                entry = calendar[0]
                if limit is not None and limit < entry:
                    if self._drop_wake_up(foreign):
                        limit = foreign[0] if foreign else None
                        continue
                    break
                heappop(calendar)
                env._now = entry[0]
                entry[3](entry[4])
            elif arrival is not None:
                if limit is not None and limit < arrival:
                    if self._drop_wake_up(foreign):
                        limit = foreign[0] if foreign else None
                        continue
                    break
                self._arrival = None
                env._now = arrival[0]
                self._next_arrival(arrival[3])
            else:
                break
        self._draining = False
        self._wake()

    def _drop_wake_up(self, foreign: list) -> bool:
        """Pop SimPy's head if it is one of the model's wake-up events (redundant while the
        model's events are running); whether it was."""
        event = foreign[0][3]
        if event.__class__ is not _Call:
            return False
        heappop(foreign)
        self._wake_keys.discard(event.arg)
        return True

    def _wake(self) -> None:
        """Make sure SimPy's queue holds a wake-up event no later than the model's earliest
        pending event (wake-ups are few: one, plus those left by scheduling from outside)."""
        arrival, calendar = self._arrival, self._calendar
        if not calendar and self._later_keys:
            self._next_bucket()
        if calendar and (arrival is None or calendar[0] < arrival):
            when, priority, eid = calendar[0][:3]
        elif arrival is not None:
            when, priority, eid = arrival[:3]
        else:
            return
        # half an id before the event it wakes for: never equal to any other key
        key = (when, priority, eid - 0.5)
        if not any(k <= key for k in self._wake_keys):  # none due as early yet
            self._wake_keys.add(key)
            heappush(self.env._queue, (*key, _Call(self._fire, key, self._callbacks)))

    def _book_arrival(self, index: int) -> None:
        """Set aside order ``index``'s arrival, taking its event id now, where ``_at`` would
        have scheduled it (nothing at or after the horizon)."""
        if index < self.n_orders:
            when = self.t_placed[index]
            if when < self.horizon:
                self._arrival = (when, NORMAL, next(self.env._eid), index)

    def _booked_time(self, when: float) -> float:
        """The time (minutes) an event asked for at ``when`` is booked at: what
        env.schedule(event, NORMAL, when - now) makes of it (now, if ``when`` is past)."""
        now = self.env._now
        delay = when - now
        return now + delay if delay > 0.0 else now

    def _at(self, when: float, handler, arg=None) -> None:
        """Call ``handler(arg)`` at simulated time ``when`` (minutes)."""
        at = self._booked_time(when)
        if at >= self.horizon:
            return  # never fires: run(until=horizon) stops first (e.g. a patience of 10^9 min)
        self._push((at, NORMAL, next(self._eid), handler, arg))
        if not self._draining:
            self._wake()
