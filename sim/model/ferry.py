"""The ferry to the islands (Nanji): a timetable the model runs as a SimPy process.

A trip between the mainland and an island goes by land to the pier, waits there for the next
sailing, crosses (``geography.travel.ferry.crossing_min``) and goes by land from the landing
pier. :meth:`Ferry.timetable` is the ferry: a SimPy process that sails at each departure of
``geography.travel.ferry.departures`` every day; volunteers on the pier at a departure's minute
board it. :meth:`Ferry.journey` is a crossing, to be run inside a SimPy process. The timetable
process starts with the replication and has no public switch: a typhoon cancelling sailings or
an extra boat is a change to :meth:`Ferry.timetable` itself. Ranking candidates uses the
average wait instead
(:meth:`sim.world.travel.TravelModel.nominal`).
"""

from __future__ import annotations

import simpy

from sim.world.travel import TravelModel


class Ferry:
    """The ferry's next sailing (a SimPy event) and the process that makes it happen."""

    def __init__(self, env: simpy.Environment, travel: TravelModel):
        self.env = env
        self.travel = travel
        self.departures = list(travel.ferry_departures)  # minutes of day, ascending
        self.crossing = travel.crossing  # minutes
        self.next_sailing = env.event()  # succeeds when the ferry leaves
        self.last_sailing = -1.0  # minutes; whoever reaches the pier at that minute is aboard
        self.process = env.process(self.timetable())

    def crosses(self, a: int, b: int) -> bool:
        """Whether a trip from place a to place b takes the ferry."""
        return self.travel.crosses(a, b)

    def timetable(self):
        """SimPy process: sail at each departure (minutes of day), day after day."""
        env = self.env
        day = 0
        while True:
            for departure in self.departures:
                yield env.timeout(max(0.0, day * 1440.0 + departure - env.now))
                self.last_sailing = env.now
                sailing, self.next_sailing = self.next_sailing, env.event()
                sailing.succeed()
            day += 1

    def journey(self, a: int, b: int, set_off_change: float = 0.0):
        """A crossing from place a to place b, inside a SimPy process (``yield from``): to the
        pier, wait for the next sailing, cross, from the landing pier to b (minutes).
        ``set_off_change``: minutes added to the set-off that the way to the pier includes
        (``geography.travel.setup_min``); with dispatch as alerts, the volunteer's turnout
        less the set-off, since the turnout replaces it as on a land trip. Between two island
        towns the journey crosses to the port and on from there (one set-off)."""
        travel = self.travel
        if travel.island[a] >= 0 and travel.island[b] >= 0:
            yield from self.journey(a, travel.port, set_off_change)
            yield from self.journey(travel.port, b, -travel.setup)
            return
        to_pier, from_pier = travel.ferry_legs(a, b)
        yield self.env.timeout(to_pier + set_off_change)
        if self.last_sailing != self.env.now:  # (on the pier at the departure's minute: aboard)
            yield self.next_sailing
        yield self.env.timeout(self.crossing + from_pier)
