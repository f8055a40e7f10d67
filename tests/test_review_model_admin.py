"""The professional route under dispatch as alerts, on the five-place test county
(tests/data/tiny.yaml): day 0 is a Monday; the professional team ``legal`` works 08:00-18:00 on
weekdays only; acceptance takes 2 minutes; an on-call reviewer reviews for 45 minutes (ADMIN)."""

from __future__ import annotations

from tests.test_alerts import FIXED
from tests.test_professional_route import JUSTICE, SATURDAY_10AM, run


def test_an_order_the_selected_team_does_not_take_is_alerted_at_the_county_tier(tmp_path):
    # Saturday: the professional team is off; reviewed on call by 10:45, the order waits at its
    # desk; after 240 minutes it joins the county tier, which (as for any order entering a tier
    # with dispatch as alerts) alerts the sub-center's volunteers: one accepts after the
    # 2-minute acceptance delay, and the response is that acceptance
    alerts = {"accept_probability": 1, "wave_size": 5, "turnout_day": FIXED, "turnout_night": FIXED}
    overrides = {
        "teams": {"subcenters": [JUSTICE]},
        "admin": {"fallback_after_min": 240},
        "dispatch": {"alerts": alerts},
    }
    world, rep = run(tmp_path, overrides, [(SATURDAY_10AM, "A1", "legal")])
    o = rep.run().orders
    fallback = SATURDAY_10AM + 45 + 240
    assert o.t_alerted[0] == fallback
    assert o.t_assigned[0] == o.t_accepted[0] == fallback + 2
    assert world.teams.name[o.team[0]] == "subcenter:justice"
