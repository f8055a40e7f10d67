"""World building as the scenario names it: towns named as the validator accepts them (pinyin in
any case or the Chinese name), pairing strategies that place every unit or say why not, the
item mixes of surge events, and the bundled Pingyang data."""

from __future__ import annotations

import dataclasses
import tracemalloc

import numpy as np
import pytest

from sim.config.errors import UserError
from sim.config.load import load_scenario
from sim.config.teams import Addition
from sim.world.build import build_world
from sim.world.geography import build_places
from sim.world.pairing import make_pairs
from sim.world.workforce import addition_hours_per_week, band_counts, scheduled_counts
from tests.conftest import variant
from tests.test_scenario_files import REPO


@pytest.mark.parametrize("alpha", ["Alpha", "alpha", "ALPHA", "阿镇"])
def test_urban_towns_named_in_any_case_or_in_chinese_make_their_communities_urban(tmp_path, alpha):
    # the validator accepts each of these names for the town Alpha (whose community is A1)
    _, places = build_places(variant(tmp_path, {"geography": {"urban_towns": [alpha]}}))
    assert [places.code[i] for i in np.flatnonzero(places.zone == 0)] == ["A1"]


@pytest.mark.parametrize("beta", ["Beta", "beta", "贝镇"])
def test_a_terrain_override_applies_to_the_town_however_it_is_named(tmp_path, beta):
    towns, _ = build_places(variant(tmp_path, {"geography": {"terrain": {beta: "plain"}}}))
    assert towns.terrain == ["urban", "plain", "island"]  # Beta's CSV says mountain


LOCKDOWN = {
    "name": "lockdown",
    "places": ["B1"],
    "start_day": 1,
    "days": 1,
    "callups": [{"town": "Beta", "hours": [8, 20], "volunteers": 3}],
    "delivery": {"mode": "batched"},
}


@pytest.mark.parametrize("mix", [{}, {"repair": 0}, {"repair": 0, "errand": 0}])
def test_a_batched_event_with_no_weight_in_its_mix_batches_every_ordinary_item(tmp_path, mix):
    # a mix of zero weights is no mix: the event's orders follow the catalogue's shares, and
    # its platform batches every item that is not professional (errand, repair; not legal)
    surge = build_world(variant(tmp_path, {"events": [{**LOCKDOWN, "item_mix": mix}]})).surges[0]
    assert surge.item_cdf is None
    assert surge.batched_items.tolist() == [True, True, False]


def test_a_batched_event_batches_the_items_its_mix_weighs(tmp_path):
    event = {**LOCKDOWN, "item_mix": {"repair": 2, "errand": 0}}
    surge = build_world(variant(tmp_path, {"events": [event]})).surges[0]
    assert surge.item_cdf.tolist() == [0.0, 1.0, 1.0]
    assert surge.batched_items.tolist() == [False, True, False]


FIRM = {"firm": {"members": 10, "skills": ["errand"], "schedule": "day"}}


def pairing(tmp_path, strategy: str, villages: int, rows: list[tuple[str, str]]) -> dict:
    """A ``pairing`` section placing the units of ``rows`` (village, home) of firms."""
    csv = tmp_path / "units.csv"
    csv.write_text(
        "village_code,unit_kind,unit_name,home_code\n"
        + "".join(f"{v},firm,u{k},{h}\n" for k, (v, h) in enumerate(rows)),
        encoding="utf-8",
    )
    return {"pairing": {"strategy": strategy, "file": str(csv), "kinds": FIRM, "villages": villages}}


def test_nearest_refuses_to_leave_units_unpaired_when_the_csv_lists_too_few_villages(tmp_path):
    # 4 units, 4 villages to pair (1 unit each), but the CSV lists only B1: three units had no
    # village, silently
    with pytest.raises(UserError, match=r"pairing.villages: 4 villages .* only 1 villages are listed"):
        variant(tmp_path, pairing(tmp_path, "nearest", 4, [("B1", "A1")] * 4))
    # at most 1 village: all 4 units go to it
    pairs = build_world(variant(tmp_path, pairing(tmp_path, "nearest", 1, [("B1", "A1")] * 4))).pairs
    assert [(p.unit_name, p.village) for p in pairs] == [(f"u{k}", 2) for k in range(4)]


@pytest.mark.parametrize("strategy", ["need", "optimal"])
def test_need_and_optimal_refuse_more_villages_than_places_when_units_would_be_left_out(tmp_path, strategy):
    # 6 units for 8 villages: 1 a village, but the county has 5 places (need paired 5 units
    # and left one out; optimal found no solution and blamed villages x ceil(units/villages))
    refused = r"only 5 villages are in the places CSV.*at most 5 villages"
    # loading refuses it, before any pilot run ...
    with pytest.raises(UserError, match=refused):
        variant(tmp_path, pairing(tmp_path, strategy, 8, [("A1", "A1")] * 6))
    # ... and so does the pairing itself, given a scenario that skipped the load's checks
    five = variant(tmp_path, pairing(tmp_path, strategy, 5, [("A1", "A1")] * 6), name="five")
    places = build_places(five)[1]
    unmet = np.arange(5.0)  # a pilot's unmet orders by place
    eight = dataclasses.replace(five, pairing=dataclasses.replace(five.pairing, villages=8))
    with pytest.raises(UserError, match=refused):
        make_pairs(eight, places, unmet)
    pairs = make_pairs(five, places, unmet)
    assert sorted(p.unit_name for p in pairs) == [f"u{k}" for k in range(6)]
    assert max(np.bincount([p.village for p in pairs])) <= 2  # ceil(6 / 5)


POLICIES = REPO / "scenarios" / "policies"


@pytest.mark.parametrize("name", ["pingyang", "pairing_nearest", "pairing_need"])
def test_building_a_world_is_deterministic_and_draws_no_random_numbers(name, monkeypatch):
    path = REPO / "scenarios" / "pingyang.yaml" if name == "pingyang" else POLICIES / f"{name}.yaml"
    scenario = load_scenario(path)
    unmet = np.arange(453.0) % 7  # a pilot's unmet orders by place, for need

    def refuse(*args, **kwargs):
        raise AssertionError("a world build drew a random number or simulated")

    for source in ("default_rng", "Generator", "RandomState", "SeedSequence", "random", "seed"):
        monkeypatch.setattr(np.random, source, refuse)
    monkeypatch.setattr("simpy.Environment", refuse)
    first, second = build_world(scenario, unmet), build_world(scenario, unmet)
    assert first.pairs == second.pairs and len(first.pairs) == 500
    assert np.array_equal(first.teams.scheduled, second.teams.scheduled)
    assert [row.tolist() for row in first.tier2_nearest] == [row.tolist() for row in second.tier2_nearest]


def test_bundled_places_are_the_453_village_units_of_the_16_towns_by_their_codes():
    towns, places = build_places(load_scenario(REPO / "scenarios" / "pingyang.yaml"))
    assert len(towns.code) == 16 and len(places) == 453 and len(set(places.code)) == 453
    # the National Bureau of Statistics codes: 330326 (Pingyang), a town's 3 digits, a unit's 3
    assert all(len(c) == 9 and c.startswith("330326") for c in towns.code)
    assert all(len(c) == 12 and c.startswith(towns.code[t]) for c, t in zip(places.code, places.town))
    # urban: the 46 communities of Kunyang and Aojiang, the 10-minute promise's places
    urban = np.flatnonzero(places.zone == 0)
    assert len(urban) == 46 and {places.kind[i] for i in urban} == {"community"}
    assert {towns.pinyin[places.town[i]] for i in urban} == {"Kunyang", "Aojiang"}
    assert towns.terrain[towns.index("Nanji")] == "island"


def test_a_band_of_hours_past_midnight_wraps_into_the_next_morning():
    night = Addition(town="Kunyang", hours=[22, 7], volunteers=2)
    day = band_counts(night)[:24].tolist()
    assert day == [2] * 7 + [0] * 15 + [2] * 2  # 00:00-07:00 and 22:00-24:00
    assert addition_hours_per_week(night) == 2 * 9 * 7
    assert addition_hours_per_week(Addition(town="Kunyang", hours=[0, 24], volunteers=1)) == 168
    assert addition_hours_per_week(Addition(town="Kunyang", hours=[7, 7], volunteers=1)) == 0


def test_optimal_pairing_builds_its_integer_program_in_sparse_memory(tmp_path):
    # 400 places and 40 units at 40 homes: 16,000 variables x[home, village]; a dense row per
    # village would take 400 x 16,400 x 8 bytes = 52 MB, the sparse rows a few hundred KB
    n_places, n_homes = 400, 40
    (tmp_path / "towns.csv").write_text(
        "code,name,pinyin,seat_lat,seat_lon,terrain,population\n"
        "T1,阿镇,Alpha,27.60,120.50,plain,40000\nT3,岛镇,Isle,27.40,121.00,island,100\n",
        encoding="utf-8",
    )
    codes = [f"A{k}" for k in range(n_places - 1)]
    (tmp_path / "places.csv").write_text(
        "code,name,town_code,kind\n"
        + "".join(f"{c},{c},T1,{'community' if c == 'A0' else 'village'}\n" for c in codes)
        + "I1,I1,T3,village\n",
        encoding="utf-8",
    )
    rows = [(codes[k], codes[k * 7]) for k in range(n_homes)]
    geography = {"towns_csv": str(tmp_path / "towns.csv"), "places_csv": str(tmp_path / "places.csv")}
    scenario = variant(
        tmp_path,
        {**pairing(tmp_path, "optimal", n_homes, rows), "geography": {**geography, "coordinates_csv": None}},
    )
    places = build_places(scenario)[1]
    tracemalloc.start()
    pairs = make_pairs(scenario, places, np.zeros(n_places))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(pairs) == n_homes
    assert peak < n_places * n_homes * n_places * 8 / 5  # a fifth of one dense constraint block


def test_travel_minutes_are_symmetric_a_place_to_itself_is_the_set_off_time_and_the_ferry_waits():
    world = build_world(load_scenario(REPO / "scenarios" / "pingyang.yaml"))
    travel, n = world.travel, world.n_places
    grid = travel.nominal_grid(np.arange(n), np.arange(n))
    assert np.allclose(grid, grid.T, rtol=1e-15, atol=0)  # the slower end's speed, either way
    assert np.array_equal(np.diag(grid), np.full(n, travel.setup))  # 3 minutes to set off
    # departures 07:30 and 13:30: gaps of 6 and 18 hours, an average wait of (6² + 18²) / 2 / 24
    # hours = 7.5 hours for a volunteer reaching the pier at a uniform time of day
    assert travel.mean_ferry_wait == 450.0
    kunyang, nanji = (int(world.towns.seat_place[world.towns.index(t)]) for t in ("Kunyang", "Nanji"))
    to_pier, from_pier = travel.ferry_legs(kunyang, nanji)
    assert from_pier == travel.setup  # Nanji's seat is its pier
    assert travel.nominal(kunyang, nanji) == to_pier + from_pier + 450.0 + 120.0
    assert travel.nominal(nanji, kunyang) == travel.nominal(kunyang, nanji)


TENTH = {"weekday": [0.1] * 24, "weekend": [0.1] * 24}  # a tenth of the members, all week


def test_rounded_duty_counts_round_halves_up_whatever_the_float_noise(tmp_path):
    # members x 10%: 0.5, 1.5000000000000002, 2.5, 3.5000000000000004, 4.5 in floating point;
    # rounding half to even made them 0, 2, 2, 4, 4 (two teams of 15 and 25 alike)
    scenario = variant(tmp_path, {"teams": {"duty_counts": "rounded"}, "schedules": {"tenth": TENTH}})
    on_duty = [scheduled_counts(scenario, "tenth", members)[0][10] for members in (5, 15, 25, 35, 45)]
    assert on_duty == [1, 2, 3, 4, 5]
    assert scheduled_counts(scenario, "tenth", 3)[0][10] == 0  # 0.3: the nearest whole number


def test_a_schedule_without_weekend_shares_keeps_its_weekday_shares_at_weekends(tmp_path):
    # docs/assumptions.md: shares apply "every day unless a weekend share is given"; a
    # schedule written with its weekday shares alone put nobody on duty on Saturday and Sunday
    shares = [0.0] * 7 + [0.5] * 12 + [0.0] * 5
    only_weekday = variant(tmp_path, {"schedules": {"day": {"weekday": shares, "weekend": None}}}, "weekday")
    assert only_weekday.schedules["day"].weekend is None
    whole, _ = scheduled_counts(only_weekday, "day", 10)
    by_day = whole.reshape(7, 24)
    assert (by_day == by_day[0]).all() and by_day[0, 10] == 5  # Saturday and Sunday as Monday
    # given weekend shares still apply on Saturday and Sunday alone
    both = variant(tmp_path, {"schedules": {"day": {"weekday": shares, "weekend": [0.0] * 24}}}, "both")
    by_day = scheduled_counts(both, "day", 10)[0].reshape(7, 24)
    assert by_day[:5, 10].tolist() == [5] * 5 and by_day[5:].sum() == 0


def test_a_trip_between_two_island_towns_crosses_twice_by_the_port(tmp_path):
    # Beta and Isle both islands, one ferry from Alpha at 08:00 (60 minutes a crossing): a trip
    # from B1 to I1 was costed as a straight line across the sea, never taking the ferry
    import simpy

    from sim.model.ferry import Ferry

    ferry = {
        "island_towns": ["Isle", "Beta"],
        "port_town": "Alpha",
        "departures": ["08:00"],
        "crossing_min": 60,
    }
    world = build_world(variant(tmp_path, {"geography": {"travel": {"ferry": ferry}}}))
    travel, code = world.travel, world.places.code
    b1, b2, i1 = (code.index(c) for c in ("B1", "B2", "I1"))
    assert travel.crosses(b1, i1) and travel.crosses(i1, b1) and not travel.crosses(b1, b2)
    port = travel.port
    assert travel.nominal(b1, i1) == pytest.approx(
        travel.nominal(b1, port) + travel.nominal(port, i1) - travel.setup
    )
    env = simpy.Environment()
    boat = Ferry(env, travel)
    done = []

    def trip():
        yield from boat.journey(b1, i1)
        done.append(env.now)

    env.process(trip())
    env.run(until=3 * 1440.0)
    to_pier_b, _ = travel.ferry_legs(b1, port)
    _, from_pier_i = travel.ferry_legs(port, i1)
    assert to_pier_b < 480.0  # on Beta's pier before the first sailing, at the port by 09:00
    # the next sailing from the port is the next day's 08:00
    assert done == [pytest.approx(1440.0 + 480.0 + 60.0 + from_pier_i)]


@pytest.mark.parametrize(
    "rows, message",
    [
        # A2..I1 left out: they kept their spiral positions and populations, unseen
        (
            "A1,27.6,120.5,10000\n",
            "covers 1 of the 5 places; expected every code of the places CSV (missing: A2",
        ),
        # one population given: the county's total grew by it instead of being shared
        (
            "A1,27.6,120.5,99999\nA2,27.6,120.55,\nB1,27.6,120.6,\nB2,27.6,120.65,\nI1,27.4,121.0,\n",
            "population: given for 1 of 5 places; expected every place's population or none",
        ),
    ],
)
def test_a_coordinates_csv_covers_every_place_and_every_population_or_none(tmp_path, rows, message):
    csv = tmp_path / "coordinates.csv"
    csv.write_text("code,lat,lon,population\n" + rows, encoding="utf-8")
    with pytest.raises(UserError) as error:
        build_places(variant(tmp_path, {"geography": {"coordinates_csv": str(csv)}}))
    assert any(message in line for line in error.value.lines()), error.value.lines()
