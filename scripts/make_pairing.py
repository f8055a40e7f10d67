"""Regenerate scenarios/data/pairing.csv: the default six-hundreds pairing (deterministic).

The source names the five kinds of paired unit (100 each) and says 100 village points are
paired, but not which. Assumption (docs/assumptions.md): the 100 villages are rural villages
spread over the towns in proportion to their rural villages (largest remainder), taking every
k-th village by code inside each town; each gets one unit of each kind. Government Party
organisations sit at the county seat, civilised units (employers) alternate between the two
urban cores, and town leaders, town departments and volunteer teams sit at their town's seat.

Run: python scripts/make_pairing.py
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "scenarios" / "data"
KINDS = ["party_org", "town_leader", "town_department", "civilised_unit", "volunteer_team"]


def main() -> None:
    towns = list(csv.DictReader(open(DATA / "pingyang_towns.csv", encoding="utf-8")))
    places = list(csv.DictReader(open(DATA / "pingyang_villages.csv", encoding="utf-8")))
    by_town = {t["code"]: [p for p in places if p["town_code"] == t["code"]] for t in towns}
    seat = {
        code: sorted(ps, key=lambda p: (p["kind"] != "community", p["code"]))[0]["code"]
        for code, ps in by_town.items()
    }
    rural = {code: sorted(p["code"] for p in ps if p["kind"] == "village") for code, ps in by_town.items()}
    total = sum(len(v) for v in rural.values())
    quota = {c: 100 * len(v) / total for c, v in rural.items()}
    take = {c: int(q) for c, q in quota.items()}
    for c in sorted(quota, key=lambda c: (-(quota[c] - take[c]), c))[: 100 - sum(take.values())]:
        take[c] += 1
    kunyang, aojiang = seat["330326100"], seat["330326101"]
    rows, n = [], 0
    for t in towns:
        villages = rural[t["code"]]
        if not take[t["code"]]:
            continue
        step = len(villages) / take[t["code"]]
        for k in range(take[t["code"]]):
            village = villages[int(k * step)]
            n += 1
            homes = [kunyang, seat[t["code"]], seat[t["code"]], (kunyang, aojiang)[n % 2], seat[t["code"]]]
            for kind, home in zip(KINDS, homes):
                rows.append([village, kind, f"{kind}-{n:03d}", home])
    with open(DATA / "pairing.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["village_code", "unit_kind", "unit_name", "home_code"])
        writer.writerows(rows)
    print(f"{n} villages, {len(rows)} units")


if __name__ == "__main__":
    main()
