"""The county center's administrator, who reviews professional orders before a team is sought.

The source: 群众有专业需求,系统将需求反馈至县新时代文明实践中心,由中心管理员选派有专业技能的志愿服务组织接单
(a professional need goes to the county practice center, whose administrator selects a
volunteer organisation with the skill to take the order). The model: professional orders join
the administrator's inbox (a SimPy ``Store``, first come first served); each of
``admin.reviewers`` reviewers is a SimPy process that takes the next order, waits for the
office to open if it is closed (``admin.office_hours`` on weekdays), reviews it for a drawn
time (``admin.review``, stream ``admin_review``) and hands it to the county tier. An order the
citizen cancelled while it waited is skipped; a review started before closing time is
finished.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import simpy

from sim.config import distributions
from sim.model.orders import AT_ADMIN

if TYPE_CHECKING:
    from sim.model.replication import Replication


class Administrator:
    """The inbox of professional orders and the reviewers' processes."""

    def __init__(self, rep: Replication):
        self.env = rep.env
        self.orders = rep.orders
        self.lifecycle = rep.lifecycle
        self.review = rep.scenario.admin.review
        self.rng = rep.streams.stream("admin_review")
        self.office_hours = sorted(rep.world.office_hours)  # (start, end), minutes of day
        self.start_weekday = rep.scenario.run.start_weekday
        self.inbox = simpy.Store(self.env)
        for _ in range(rep.scenario.admin.reviewers):
            self.env.process(self.reviewer())

    def submit(self, order: int) -> None:
        """A professional order is placed: it waits in the inbox for a reviewer."""
        self.inbox.put(order)

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

    def reviewer(self):
        """SimPy process of one reviewer: take the next order, wait for office hours, review
        it, hand it on; repeat."""
        env, orders = self.env, self.orders
        while True:
            order = yield self.inbox.get()
            if orders.state[order] != AT_ADMIN:
                continue  # cancelled while it waited
            closed_for = self.minutes_until_open(env.now)
            if closed_for == math.inf:
                return  # no office hours at all: nobody ever reviews
            if closed_for > 0:
                yield env.timeout(closed_for)
                if orders.state[order] != AT_ADMIN:
                    continue
            orders.t_review_start[order] = env.now
            yield env.timeout(float(distributions.quantile(self.review, self.rng.random())))
            orders.t_review_end[order] = env.now
            self.lifecycle.reviewed(order)
