"""The briefing's assumptions and what it leaves unjudged: the key assumptions behind the numbers
(:func:`assumption_lines`), those behind the service channels' numbers, shown under their table
(:func:`channel_assumption_lines`), and the channels and package visits a short run cannot judge
(:func:`unjudged_lines`). A mailed briefing cannot link to the project's docs, so it states
them itself; in Chinese (``lang="zh"``) every sentence comes from :mod:`sim.reporting.i18n`.
"""

from __future__ import annotations

from sim.reporting.briefing_headline import count, is_missing, kpi_float, shown
from sim.reporting.i18n import tr


def assumption_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """The key assumptions behind the numbers, stated in the briefing itself (a mailed briefing
    cannot link to the project's docs)."""
    t = data["targets"]
    lines = [
        tr("brief.assume_window", lang, days=summary["days"], warmup=summary["warmup_days"]),
        tr(
            "brief.assume_promise",
            lang,
            minutes=t["urban_response_min"],
            cutoff=t["same_day_cutoff"],
            day_end=t["day_end"],
            event=tr(f"event.{t.get('urban_response_event', 'acceptance')}", lang),
            reading=tr(
                f"reading.{t.get('urban_response_event', 'acceptance')}",
                lang,
                minutes=t["urban_response_min"],
            ),
        ),
        tr(
            "brief.assume_ladder",
            lang,
            admin=tr(f"admin.{data.get('admin', {}).get('after_hours', 'none')}", lang),
        ),
        *(
            [tr("brief.assume_channels", lang)]
            if any(
                not is_missing(summary["kpis"].get(name, {}).get("mean"))
                for name in ("proxy_on_time", "mediation_on_time")
            )
            else []
        ),
    ]
    return lines


def unjudged_lines(summary: dict, lang: str) -> list[str]:
    """What the channel table does not judge, from kpis.json's ``judged`` (a short run's
    channels whose every order falls due after the run, e.g. the paired units' 3-day projects
    in a 2-day run): one line naming each such channel with its orders due after the run
    (summed over the replications); and, when the package share judges some kinds of visit
    but not others, which visits it judged and how many fell due after the run. Without them
    (or in a results folder without ``judged``) no line. A channel without orders in the
    measured days (not in the scenario) is not named."""
    judged = summary.get("judged") or {}
    out = []
    unjudged = [
        (name, row["due_after_run"])
        for name, row in judged.items()
        if row["judged"] == 0 and row["due_after_run"] > 0
    ]
    if unjudged:
        items = [
            tr("brief.unjudged_item", lang, channel=tr(f"channel.{name}", lang), n=count(n, lang))
            for name, n in unjudged
        ]
        out.append(tr("brief.unjudged", lang, channels=tr("list_sep", lang).join(items)))
    kinds = (judged.get("package_on_time") or {}).get("kinds") or {}
    done = [k for k in kinds.values() if k["judged"] > 0]
    late = [k for k in kinds.values() if k["judged"] == 0 and k["due_after_run"] > 0]
    if done and late:
        names = [kind_name(k, lang) for k in done]
        out.append(
            tr(
                "brief.packages_partly",
                lang,
                judged=tr("list_sep", lang).join(
                    tr("with_note", lang, text=name, note=every_text(k["every_days"], lang))
                    for name, k in zip(names, done)
                ),
                kinds=len(late),
                every=every_text(sorted({k["every_days"] for k in late}), lang),
                n=count(sum(k["due_after_run"] for k in late), lang),
            )
        )
    return out


def kind_name(kind: dict, lang: str) -> str:
    """A package kind as a sentence names it (kpis.json's ``judged``): its item's Chinese name
    in Chinese; in English its item's name with a lower-case first letter ("meals for babies
    and pregnant women")."""
    if lang == "zh":
        return kind["name_zh"]
    name = kind["name"]
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def every_text(days, lang: str) -> str:
    """How often a package's visits come, from ``every_days`` (one value or a sorted list):
    "daily", "every 7 days", "every 7 or 30 days" (每天一次, 每 7 天一次 in Chinese)."""
    days = [days] if isinstance(days, int) else list(days)
    if days == [1]:
        return tr("every.day", lang)
    return tr("every.days", lang, days=tr("or_sep", lang).join(str(d) for d in days))


def channel_assumption_lines(summary: dict, data: dict, lang: str) -> list[str]:
    """The assumptions behind the service channels' numbers (shown under their table): the
    paired units' projects, the packages and the villages' hand-ups rest on rates the source
    does not give."""
    lines = []
    if "pairing" in data and "pairing_on_time" in summary["kpis"]:
        per_year = data["pairing"]["orders_per_project_per_year"]
        times = {1: "once", 2: "twice"}.get(per_year, f"{per_year:g} times")
        lines.append(tr("brief.assume_pairing", lang, times_text=times, **data["pairing"]))
    if "packages" in data and "package_on_time" in summary["kpis"]:
        tiers = tr(f"tiers.{int(data['packages']['top_tier'])}", lang)  # the teams serving the visits
        lines.append(tr("brief.assume_packages", lang, tiers=tiers, **data["packages"]))
    hand_up = summary["kpis"].get("hand_up_rate")
    if hand_up is not None and kpi_float(hand_up["mean"]) > 0:  # villages hand orders up
        lines.append(tr("brief.assume_hand_up", lang, share=shown(kpi_float(hand_up["mean"]), "share")))
    return lines
