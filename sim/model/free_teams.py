"""The dispatcher's index of team availability: per team, the volunteers on duty and those free
now, and per town, the teams serving its tier 2 that have a free volunteer.

Everything that makes volunteers come on duty, busy or free again goes through here: the duty
roster (:meth:`FreeTeams.set_on_duty`), an assignment, an activity or an absence
(:meth:`FreeTeams.take`), a release (:meth:`FreeTeams.give_back`, which also tells whether the
freed team has waiting work to look at: :mod:`sim.model.waiting_orders`).

A team's ``spare`` is its volunteers on duty less those busy; it goes negative when a shift ends
while volunteers serve (they finish the job in hand) or an extension takes busy volunteers. Two
kinds of change are noted with their time, so that the log can tell exactly how many volunteers
of a town were free at any minute, from its on-duty counts by hour, the busy intervals of its
orders, batch crews and activities, and these notes (the miss causes' rule 2,
:mod:`sim.results.causes`): volunteers an extension takes out of the order pool and gives back
(:meth:`FreeTeams.take_away`, :meth:`FreeTeams.come_back`: an absence), and each change of
those busy beyond the on-duty count, ``max(0, -spare)`` (:meth:`FreeTeams.note_beyond_duty`,
rare: around shift ends). Only the teams the town's on-duty counts count are noted.

:class:`FreeTeams` is a mixin of :class:`sim.model.dispatcher.Dispatcher`, which sets every
attribute in its ``__init__`` (a mixin, not an object of its own: the per-order calls stay
``self.take(...)``, with no attribute hop). It writes ``on_duty``, ``spare``, ``in_free``,
``away``, ``beyond_duty`` and ``buckets`` (through the world's static ``team_buckets``) and reads
``env``, ``counted_by_town``, ``team_town``, ``sees_tier3``, ``team_other_towns``, the queue counter
``queued_in_town`` (:mod:`sim.model.waiting_orders`) and ``desks`` (:mod:`sim.model.desks`).
"""

from __future__ import annotations


class FreeTeams:
    """Who is on duty and free, per team, and the index of free teams per town."""

    # -------------------------------------------------------------- volunteers
    def free(self, team: int) -> int:
        """Free volunteers of a team now (on duty and not busy)."""
        return max(0, self.spare[team])

    def set_on_duty(self, team: int, count: int) -> bool:
        """A team's on-duty count becomes ``count`` (its busy volunteers stay busy); update the
        free-team index; return whether the count rose."""
        was = self.on_duty[team]
        self.on_duty[team] = count
        before = self.spare[team]
        spare = self.spare[team] = before + count - was
        if spare < 0 or before < 0:
            self.note_beyond_duty(team, before, spare)
        self.refresh(team)
        return count > was

    def take(self, team: int, count: int) -> None:
        """``count`` volunteers of ``team`` become busy (an order, an activity, an absence)."""
        before = self.spare[team]
        spare = self.spare[team] = before - count
        if spare <= 0:
            if self.in_free[team]:
                self.refresh(team)
            if spare < 0:
                self.note_beyond_duty(team, before, spare)

    def give_back(self, team: int, count: int) -> bool:
        """``count`` busy volunteers of ``team`` are free again; whether the team may now take
        waiting work (it has a free volunteer and a queue it sees, or its desk, holds an entry): the caller
        then offers it (:meth:`sim.model.lifecycle.OrderLifecycle.serve_waiting`)."""
        spare = self.spare[team] = self.spare[team] + count
        if spare < count:  # it was negative: some of them were busy beyond the on-duty count
            self.note_beyond_duty(team, spare - count, spare)
        if spare <= 0:
            return False
        if not self.in_free[team]:
            self.refresh(team)
        return self.sees_entries(team) or team in self.desks

    def take_away(self, team: int, count: int) -> None:
        """``count`` on-duty volunteers of ``team`` leave the order pool now for other work (an
        absence an extension takes), noted in ``away`` (team, minute, change) for the log; busy
        ones finish their order first (:meth:`take`)."""
        self.note_away(team, count)
        self.take(team, count)

    def come_back(self, team: int, count: int) -> bool:
        """``count`` volunteers of ``team`` that :meth:`take_away` took are back in the order
        pool now (noted as ``-count``); as :meth:`give_back`, whether the team may take waiting
        work."""
        self.note_away(team, -count)
        return self.give_back(team, count)

    def note_away(self, team: int, change: int) -> None:
        """Note, now (minutes), ``change`` volunteers of ``team`` leaving (+) or back in (-) the
        order pool for other work, in ``away`` (the teams the town's on-duty counts count)."""
        self._note(self.away, team, change)

    def note_beyond_duty(self, team: int, before: int, after: int) -> None:
        """The team's ``spare`` went from ``before`` to ``after``: note the change, now (minutes),
        of its volunteers busy beyond its on-duty count, ``max(0, -spare)``, in ``beyond_duty``
        (team, minute, change), if it changed (the teams the town's on-duty counts count)."""
        change = max(0, -after) - max(0, -before)
        if change:
            self._note(self.beyond_duty, team, change)

    def _note(self, notes: tuple, team: int, change: int) -> None:
        """Append (team, now in minutes, change) to ``notes``, for a team the town's on-duty
        counts count (the others never answer catalogue orders: the log leaves them out)."""
        if self.counted_by_town[team]:
            teams, minutes, changes = notes
            teams.append(team)
            minutes.append(self.env.now)
            changes.append(change)

    def sees_entries(self, team: int) -> bool:
        """Whether any queue ``team`` sees holds an entry (perhaps a stale one): a cheap test
        before a search for waiting work."""
        in_town = self.queued_in_town
        if in_town[self.team_town[team]] or (self.sees_tier3[team] and in_town[-1]):
            return True
        other_towns = self.team_other_towns[team]
        return bool(other_towns) and any(in_town[t] for t in other_towns)

    def refresh(self, team: int) -> None:
        """Update the free-team index after a team's on-duty or busy count changed."""
        is_free = self.spare[team] > 0
        if is_free == self.in_free[team]:
            return
        self.in_free[team] = is_free
        buckets = self.buckets
        if is_free:
            for b in self.team_buckets[team]:
                buckets[b].add(team)
        else:
            for b in self.team_buckets[team]:
                buckets[b].discard(team)
