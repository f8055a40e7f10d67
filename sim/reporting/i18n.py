"""Every word the charts and the briefing show, in English (default) and Chinese.

One table, one lookup: ``tr("zone.urban", "zh")`` gives ``"城区"``; ``tr("footnote", lang,
name=..., seed=...)`` fills placeholders with :meth:`str.format`. Town and village names are not
translated here: in Chinese the charts use the names in characters from the scenario's data
files, in English their pinyin. A key missing in Chinese falls back to English, a key missing in
both raises ``KeyError`` (a typo must fail loudly, not print a key on a chart).
"""

from __future__ import annotations

LANGS = ("en", "zh")

# key: (English, Chinese)
TEXT: dict[str, tuple[str, str]] = {
    # zones, verdicts, levels and outcomes
    "zone.urban": ("Urban", "城区"),
    "zone.rural": ("Rural", "非城区"),
    "towns.decided_by": ("{town} ({zone}: {verdict})", "{town}（{zone}：{verdict}）"),
    "zone.urban_acceptance": ("Urban, at acceptance", "城区，按接受派单计"),
    "zone.urban_arrival": ("Urban, at arrival", "城区，按到达计"),
    "zone.all": ("All orders", "全部订单"),
    "verdict.met": ("met", "达标"),
    "verdict.missed": ("missed", "未达标"),
    "verdict.uncertain": ("uncertain", "不确定"),
    # an uncertain verdict: how many replications in all would decide it, if the estimate and
    # spread held (kpis.json's reps_to_decide, docs/kpis.md), or none would
    "verdict.decide_in": (
        "about {reps} replications in all would decide it, if the estimate held",
        "若估计值与离散程度不变，共约 {reps} 次重复可望判定",
    ),
    "verdict.indistinguishable": ("indistinguishable from the target", "与目标无法区分"),
    # a word with a note in parentheses (full width in Chinese): a verdict's, a chart label's count
    # a range of numbers or clock times: a hyphen in English, the full-width wave dash (浪纹线,
    # GB/T 15834's mark for ranges) in Chinese, which a reader cannot take for a minus
    "range": ("{low}-{high}", "{low}～{high}"),
    "with_note": ("{text} ({note})", "{text}（{note}）"),
    # an edge met (kpis.json's at_edge: every replication exactly at a target at the KPI's extreme)
    "verdict.edge": ("{value} in all {n} replications", "{n} 次重复均恰为目标值"),
    "verdict.few": ("not enough replications", "重复次数不足"),
    "verdict.n/a": ("no data", "无数据"),
    "verdict.none": ("no target", "无目标"),
    "outcome.village": ("Village point", "村居实践站"),
    "outcome.paired": ("Paired unit", "结对单位"),
    "outcome.town": ("Town station", "乡镇实践所"),
    "outcome.county": ("County center", "县中心"),
    "outcome.subcenter": ("Department sub-center", "部门分中心"),
    "outcome.professional": ("Professional team", "专业队伍"),
    "outcome.proxy_point": ("Red proxy point", "红色代办点"),
    "outcome.mediation_room": ("Village mediation room", "老支书调解室"),
    "outcome.cancelled": ("Cancelled by the citizen", "群众取消"),
    "outcome.open": ("Left open", "未响应"),
    "level.village": ("Village points", "村居实践站"),
    "level.paired": ("Paired units", "结对单位"),
    "level.town": ("Town stations", "乡镇实践所"),
    "level.county": ("County center", "县中心"),
    "level.subcenter": ("Department sub-centers", "部门分中心"),
    "level.professional": ("Professional teams", "专业队伍"),
    "level.proxy_point": ("Red proxy points", "红色代办点"),
    "level.mediation_room": ("Village mediation rooms", "老支书调解室"),
    # footnote
    "footnote": (
        "Scenario {name}, seed {seed}, {reps_text} of {days_text} after {warmup_text} of "
        "warm-up. Red Vest simulation.",
        "情景\u201c{name}\u201d，随机种子 {seed}，{reps} 次重复，每次统计 {days:g} 天"
        "（另有 {warmup:g} 天预热）。红马甲仿真。",
    ),
    # chart 1: response times
    "resp.title": ("How fast orders get a response", "订单响应速度"),
    "resp.urban_title": ("Urban communities", "城区社区"),
    "resp.rural_title": ("Rural villages", "非城区村居"),
    "resp.x_min": ("Minutes from order to a volunteer accepting", "从下单到志愿者响应（分钟）"),
    "resp.y": ("Orders responded (% of all orders)", "已响应订单（占全部订单 %）"),
    "resp.mean": ("Mean of replications", "各次重复的平均"),
    "resp.band": ("95% CI across {reps} replications", "{reps} 次重复的 95% 置信区间"),
    "resp.promise": ("{minutes:g}-minute promise", "{minutes:g} 分钟承诺"),
    "resp.deadline": ("same-day deadline, median {median:.0f} h", "当天办结时限，中位数 {median:.0f} 小时"),
    "resp.deadline_span": ("Same-day deadlines (10-90% of orders)", "当天办结时限（10%～90% 的订单）"),
    "resp.x_log": (
        "Time from order to a volunteer accepting (log scale)",
        "从下单到志愿者响应的时间（对数刻度）",
    ),
    "resp.x_min_arrival": ("Minutes from order to a volunteer arriving", "从下单到志愿者到达（分钟）"),
    "resp.within_acceptance": ("Responded within {minutes:g} min", "{minutes:g} 分钟内响应"),
    "resp.within_arrival": ("Reached within {minutes:g} min", "{minutes:g} 分钟内到达"),
    "resp.urban_note": ("{within}: {value}\ntarget {target}", "{within}：{value}\n目标 {target}"),
    "resp.rural_note": (
        "Responded and closed by\nthe same-day deadline: {value}\ntarget {target}",
        "当天时限内响应并办结：{value}\n目标 {target}",
    ),
    "resp.ci": ("95% CI {low}-{high}", "95% 置信区间 {low}～{high}"),
    "resp.one_rep": ("one replication, no CI", "仅一次重复，无置信区间"),
    # chart 2: towns
    "towns.title": ("Share of orders meeting their promise, by town", "各乡镇按承诺完成的订单比例"),
    "towns.x": (
        "Orders meeting their zone's promise (%), with 95% CI",
        "按所在区域承诺完成的订单（%），含 95% 置信区间",
    ),
    "towns.target": ("Target (order-weighted mix of zone targets)", "目标（按订单加权的区域目标）"),
    "towns.met": ("Target met", "达标"),
    "towns.uncertain": ("Uncertain", "不确定"),
    "towns.missed": ("Target missed", "未达标"),
    "towns.few": ("Not enough replications", "重复次数不足"),
    "towns.no_orders": ("no orders", "无订单"),
    # chart 3: map
    "map.title": ("Where the promise is kept: every village point", "承诺兑现地图：每个村居实践站"),
    "map.colour": (
        "Orders meeting their promise: percentage points\nabove (+) or below (-) the zone's target",
        "按承诺完成的订单比例\n高于（+）或低于（-）目标的百分点",
    ),
    "map.no_orders": ("No orders", "无订单"),
    "map.size": ("Orders in {days_text}", "{days:g} 天内订单数"),
    "map.center": ("County center", "县新时代文明实践中心"),
    "map.ferry": ("Ferry", "渡轮"),
    "map.x": ("East-west (km)", "东西方向（公里）"),
    "map.y": ("North-south (km)", "南北方向（公里）"),
    # chart 4: demand vs capacity
    "week.title": ("Demand and capacity over an average week", "平均一周的需求与服务能力"),
    "week.orders": ("Orders placed per hour", "每小时下单数"),
    "week.orders_y": ("Orders per hour", "订单/小时"),
    "week.duty_y": ("Volunteers (people)", "志愿者（人）"),
    "week.busy": ("Serving orders", "正在服务订单"),
    "week.busy_act": ("Serving orders or in\ngroup activities", "服务订单或\n参加志愿活动"),
    "week.busy_y": ("Busy (% of\nthose on duty)", "忙碌比例\n（占在岗 %）"),
    "week.x": ("Day and hour of the week", "星期与时刻"),
    "week.days": ("Mon,Tue,Wed,Thu,Fri,Sat,Sun", "周一,周二,周三,周四,周五,周六,周日"),
    # chart 5: outcomes
    "out.title": ("Where orders end", "订单最终由谁办理"),
    "out.x": ("Share of orders placed (%)", "占全部订单的比例（%）"),
    # chart 6: comparison
    "forest.title": ("Difference from the baseline, with 95% CI", "与基准方案的差异（95% 置信区间）"),
    "forest.better": ("Better", "更好"),
    "forest.worse": ("Worse", "更差"),
    "forest.same": ("No significant difference", "无显著差异"),
    "forest.x_share": ("Difference (percentage points)", "差异（百分点）"),
    "forest.x_unit": ("Difference ({unit})", "差异（{unit}）"),
    "sweep.title": ("KPIs across the parameter sweep, with 95% CI", "参数扫描下的指标（95% 置信区间）"),
    "sweep.target": ("Target", "目标"),
    # units
    "unit.share": ("%", "%"),
    "unit.min": ("min", "分钟"),
    "unit.h": ("h", "小时"),
    "unit.minutes": ("minutes", "分钟"),
    "unit.orders/week": ("orders/week", "单/周"),
    "unit.orders/day": ("orders/day", "单/天"),
    "unit.hours/month": ("hours/month", "小时/月"),
    "unit.hours/week": ("hours/week", "小时/周"),
    "unit.per month": ("per month", "场/月"),
    "unit.orders": ("orders", "单"),
    "unit.per 1,000 orders": ("per 1,000 orders", "单/千单"),
    "unit.hours": ("hours", "小时"),
    # briefing
    "brief.title": ("Volunteer service coverage: {name}", "志愿服务覆盖情况：{name}"),
    "brief.subtitle": ("Red Vest briefing", "红马甲仿真简报"),
    "brief.scenario": ("The scenario", "情景"),
    "brief.scenario_text": (
        "{description}Modelled: {places_text} under {towns_text}; {urban_text} (the urban area as "
        "we draw it) {urban_promise} a response within {minutes:g} minutes, the other "
        "{rural_text} same-day handling; about "
        "{orders:,.0f} orders a day. {reps_text} of {days_text} "
        "(seed {seed}); numbers are means with 95% confidence intervals.",
        "{description}情景\u201c{name}\u201d：{towns} 个乡镇共 {places} 个村居实践站；"
        "其中 {urban} 个城区社区（城区范围为我们的设定）承诺 {minutes:g} 分钟内响应"
        "（原文：\u201c在昆阳、鳌江等城区范围内启动10分钟快速响应机制\u201d），"
        "其余 {rural} 个村居承诺当天响应、当天办理；"
        "日均下单约 {orders:.0f} 单。共进行 "
        "{reps} 次独立重复，每次 {days:g} 天（随机种子 {seed}）；数字均为平均值及其 95% 置信区间。",
    ),
    "brief.extended": (
        "An extended run ({extension}): the model with this extension, not the scenario as written. ",
        "扩展运行（{extension}）：这是加入该扩展后的模型结果，不是情景原样的结果。",
    ),
    "brief.scenario_text_no_urban": (
        "{description}Modelled: {places_text} under {towns_text}, none of them urban: every unit "
        "promises same-day handling; about {orders:,.0f} orders a day. {reps_text} of {days_text} "
        "(seed {seed}); numbers are means with 95% confidence intervals.",
        "{description}情景\u201c{name}\u201d：{towns} 个乡镇共 {places} 个村居实践站，"
        "均不在城区，都承诺当天响应、当天办理；日均下单约 {orders:.0f} 单。共进行 "
        "{reps} 次独立重复，每次 {days:g} 天（随机种子 {seed}）；数字均为平均值及其 95% 置信区间。",
    ),
    "brief.verdict_note": (
        "Met or missed: the whole 95% CI on one side of the target, else uncertain; "
        "no verdict under 2 replications.",
        "达标或未达标：整个 95% 置信区间在目标一侧，否则为不确定；少于 2 次重复不作结论。",
    ),
    "brief.overnight_target": ("≤ {value:g} per 1,000", "≤ {value:g} 单/千单"),
    "brief.causes": ("Why orders miss", "订单为何未兑现承诺"),
    "brief.cause_line": (
        "Largest cause: {share} of the {missed} {group} orders a week that miss their "
        "promise are \u201c{cause}\u201d; the lever: {lever}.",
        "最大原因：平均每周未兑现承诺的 {missed} 单{group}订单中 {share} 属于"
        "\u201c{cause}\u201d；改进方向：{lever}。",
    ),
    "brief.overnight_late": (
        "Orders placed after {cutoff} stay open overnight at {after} per 1,000, earlier ones at "
        "{before} per 1,000: the late ones, due the next day by the same-day rule, need volunteers "
        "on duty later in the evening, or the cut-off rule extended to this promise.",
        "{cutoff} 以后下的订单每千单有 {after} 单过夜，此前下的每千单 {before} 单："
        "晚下的单按同日规则次日办结，需安排晚间更晚时段的志愿者在岗，"
        "或在\u201c不过夜\u201d考核中同样将 {cutoff} 后的订单顺延至次日。",
    ),
    "brief.promises": ("Are the promises kept?", "承诺是否兑现？"),
    "brief.bottom_line": (
        "Bottom line: of {count} headline promises, {parts}.",
        "结论：{count} 项主要承诺中，{parts}。",
    ),
    # (after the bottom line when the urban promise is met over the day but a band misses)
    "brief.bottom_band": (
        " {name} is met over the day but missed {bands}.",
        "{name}全天达标，但{bands}未达标。",
    ),
    "brief.towns_line": ("Towns: of the {count} towns, {parts}.", "乡镇：{count} 个乡镇中，{parts}。"),
    "brief.unit.promise": ("", "项"),
    "brief.unit.town": ("", "个"),
    "brief.part.met": ("{count} met", "{count} {unit}达标"),
    "brief.part.missed": ("{count} missed", "{count} {unit}未达标"),
    "brief.part.uncertain": ("{count} uncertain", "{count} {unit}不确定"),
    "brief.part.few": (
        "{count} without a verdict (under 2 replications)",
        "{count} {unit}重复次数不足、不作结论",
    ),
    "brief.part.n/a": ("{count} without data", "{count} {unit}无数据"),
    "brief.part.no_orders": ("{count} without orders", "{count} {unit}无订单"),
    "brief.part.named": ("{part} ({names})", "{part}（{names}）"),
    # an edge met among the bottom line's met promises, with its note (docs/kpis.md, "edge met")
    "brief.part.edge": ("{name}: {note}", "{name}：{note}"),
    "brief.part.and": (" and ", "，"),
    "brief.part.sep": (", ", "，"),
    "brief.names.sep": (", ", "、"),
    "promise.urban_10min_acceptance": (
        "urban {minutes:g} minutes at acceptance",
        "城区 {minutes:g} 分钟按接受派单计",
    ),
    "promise.urban_10min_arrival": ("urban {minutes:g} minutes at arrival", "城区 {minutes:g} 分钟按到达计"),
    # (named by its deadline, which gives orders placed after the cut-off until the next day's
    # end: the article's words, 当天响应、当天办理, read to the letter are rural_by_midnight)
    "promise.rural_same_day": ("rural same-day deadline", "非城区当天时限内办结"),
    "promise.rural_by_midnight": ("rural by midnight", "非城区午夜前办结"),
    "promise.open_overnight_per_1000": ("never overnight", "原则上不过夜"),
    "promise.professional_same_day": ("professional orders the same day", "专业需求当天办结"),
    # the urban promise by time of day, as urban_10min counts it (sim.results.promises.TIME_BANDS)
    "band.day": ("by day", "白天"),
    "band.evening": ("in the evening", "晚间"),
    "band.night": ("at night", "夜间"),
    "brief.band_line": (
        "Urban {minutes:g} minutes by time of day: {parts}.",
        "城区 {minutes:g} 分钟分时段：{parts}。",
    ),
    "brief.band_part": ("{band} ({hours}) {estimate}: {verdict}", "{band}（{hours}）{estimate}，{verdict}"),
    # the towns whose own urban orders miss the band (after brief.band_part)
    "brief.band_towns": (" (by town, missed: {towns})", "（未达标的镇：{towns}）"),
    "brief.band_cause": (
        " {band}, {share} of the misses are \u201c{cause}\u201d; the lever: {lever}.",
        "{band}未兑现的订单中 {share} 属于\u201c{cause}\u201d；改进方向：{lever}。",
    ),
    "promise.urban_10min_day": (
        "urban {minutes:g} minutes by day ({hours})",
        "城区 {minutes:g} 分钟（白天 {hours}）",
    ),
    "promise.urban_10min_evening": (
        "urban {minutes:g} minutes in the evening ({hours})",
        "城区 {minutes:g} 分钟（晚间 {hours}）",
    ),
    "promise.urban_10min_night": (
        "urban {minutes:g} minutes at night ({hours})",
        "城区 {minutes:g} 分钟（夜间 {hours}）",
    ),
    "brief.promise_line": (
        "{name}: {estimate} against {target}: {verdict}.",
        "{name}：{estimate}，目标 {target}，{verdict}。",
    ),
    "brief.promise_cause": (
        " Of its {missed} misses a week, {share} are \u201c{cause}\u201d; the lever: {lever}.",
        "最大原因：平均每周未兑现的 {missed} 单中 {share} 属于\u201c{cause}\u201d；改进方向：{lever}。",
    ),
    "brief.promise_late_again": (
        " {share} of its {missed} misses a week were placed after {cutoff}, as above.",
        "平均每周未兑现的 {missed} 单中 {share} 是 {cutoff} 以后下的单，原因同上。",
    ),
    "brief.promise_late": (
        " {share} of its {missed} misses a week were placed after {cutoff} (due the next "
        "day by our cut-off): volunteers on duty later in the evening would serve them sooner.",
        "平均每周未兑现的 {missed} 单中 {share} 是 {cutoff} 以后下的单"
        "（按本模型 {cutoff} 截止时间次日办结）："
        "安排志愿者在 {cutoff} 后继续在岗，可以更快办理。",
    ),
    "brief.promise_late_cause": (
        " {share} of its {missed} misses a week were placed after {cutoff} (due the next "
        "day by our cut-off), {late_share} of those \u201c{cause}\u201d; the lever: {lever}, "
        "or a later evening roster.",
        "平均每周未兑现的 {missed} 单中 {share} 是 {cutoff} 以后下的单"
        "（按本模型 {cutoff} 截止时间次日办结），其中 {late_share} 属于\u201c{cause}\u201d；"
        "改进方向：{lever}，或延长晚间排班。",
    ),
    "brief.promise_late_cause_again": (
        " {share} of its {missed} misses a week were placed after {cutoff}, {late_share} "
        "of those \u201c{cause}\u201d; the lever: {lever}, or a later evening roster.",
        "平均每周未兑现的 {missed} 单中 {share} 是 {cutoff} 以后下的单，"
        "其中 {late_share} 属于\u201c{cause}\u201d；改进方向：{lever}，或延长晚间排班。",
    ),
    "brief.promise_rest": (
        " The other {rest} misses a week: {share} \u201c{cause}\u201d; the lever: {lever}.",
        "其余平均每周未兑现的 {rest} 单中 {share} 属于\u201c{cause}\u201d；改进方向：{lever}。",
    ),
    "lever.same": ("as for {name}", "同\u201c{name}\u201d"),
    # (a cause whose lever the same line gave for the misses placed after the cut-off)
    "lever.same_line": ("the same as for the late ones", "同上"),
    # when a promise's misses were placed (kpis.json's miss_causes.when): brief.when, then its
    # parts joined by brief.part.sep
    "brief.when": (" Its misses by when placed: {parts}.", "未兑现订单的下单时间：{parts}。"),
    "brief.when_weekend": (
        "{share} on Saturdays and Sundays (which have {orders} of its orders)",
        "{share} 在周六、周日（周末订单仅占 {orders}）",
    ),
    "brief.when_hours": ("{share} at {hours}", "{share} 在 {hours}"),
    "brief.when_midnight": (
        "{share} at {hours}, too near midnight for any roster to close many of them by then",
        "{share} 在 {hours}，离午夜太近，无论如何排班，其中许多都无法在午夜前办结",
    ),
    "brief.towns_decide_all": (
        " If the estimates held, about {reps} replications in all would decide them.",
        "若各估计不变，共约 {reps} 次重复可望全部判定。",
    ),
    "brief.towns_decide": (
        " If the estimates held, about {reps} replications in all would decide {decided} of them.",
        "若各估计不变，共约 {reps} 次重复可望判定其中 {decided} 个。",
    ),
    "brief.towns_indistinguishable": (
        " Indistinguishable from the target: {names}.",
        "与目标无法区分：{names}。",
    ),
    "brief.towns_multiplicity": (
        " Each town is judged alone at {level}: with {count} at target, one reads missed by chance "
        "in {chance} of runs.",
        "各乡镇分别按 {level} 判定：即使 {count} 个乡镇都恰在目标上，"
        "约 {chance} 的运行也会偶然显示至少一个未达标。",
    ),
    # the lever of a band of the day's miss (brief.band_cause): staff the town's seat in the
    # band's hours (teams.additions), sized by optimize; wave size only where more are on duty
    # (the Chinese says what to do, without the keys and the command: the analyst reads the English)
    "lever.band_town": (
        "volunteers on duty at {town}'s seat {hours} (teams.additions: {{town: {pinyin}, hours: "
        "[{start}, {end}], volunteers: N}}; python run.py optimize SCENARIO --target "
        "town.{pinyin}.{kpi}={target} finds N)",
        "{hours} 在{town}驻地增加在岗志愿者（所需人数可由人员配置优化求得）",
    ),
    "lever.band_county": (
        "volunteers on duty {hours} at the seats of the towns whose urban orders miss it "
        "(teams.additions: {{town: ..., hours: [{start}, {end}], volunteers: N}}; python run.py "
        "optimize SCENARIO --target {kpi}={target} finds N)",
        "{hours} 在城区订单未达标的乡镇驻地增加在岗志愿者（所需人数可由人员配置优化求得）",
    ),
    "lever.band_waves": (
        "; larger alert waves (dispatch.alerts.wave_size) help only where more volunteers than a "
        "wave are on duty",
        "；扩大每轮派单提醒人数只在在岗人数多于每轮人数时有效",
    ),
    "lever.travel_arrival": (
        "a quicker turnout, or volunteers on call nearer the orders",
        "缩短出发准备时间，或安排离订单更近的待命志愿者",
    ),
    "brief.cause_none": ("No order missed its promise.", "没有订单未兑现承诺。"),
    "brief.drivers": (
        "Assumptions drive the headline: citizens' patience and the village hold set the "
        "cancellations ({cancelled} of the misses in the causes chart); turnout and travel "
        "separate the urban share at acceptance ({acceptance}) from arrival ({arrival}); "
        "volunteers are busy only "
        "{utilisation} of their time on duty.",
        "主要指标由假设决定：群众的耐心和村级派单等待时限决定取消量"
        "（占\u201c订单未兑现承诺的原因\u201d图中未兑现订单的 {cancelled}）；"
        "志愿者响应后的出发准备和路程决定城区按接受派单计（{acceptance}）与按到达计（{arrival}）的差别；"
        "志愿者在岗时间中只有 {utilisation} 在忙。",
    ),
    "brief.drivers_no_urban": (
        "Assumptions drive the headline: citizens' patience and the village hold set the "
        "cancellations ({cancelled} of the misses in the causes chart); volunteers are busy "
        "only {utilisation} of their time on duty. There are no urban orders, so no urban "
        "promise to read at acceptance or arrival.",
        "主要指标由假设决定：群众的耐心和村级派单等待时限决定取消量"
        "（占\u201c订单未兑现承诺的原因\u201d图中未兑现订单的 {cancelled}）；"
        "志愿者在岗时间中只有 {utilisation} 在忙。没有城区订单，因此没有按接受派单计或按到达计的城区承诺。",
    ),
    "cause.title": ("Why orders miss their promise (a week)", "订单未兑现承诺的原因（每周）"),
    "cause.x": ("Missed orders a week", "平均每周的未兑现订单数"),
    "cause.group.urban": ("urban", "城区"),
    "cause.group.rural": ("rural", "非城区"),
    "cause.group.professional": ("professional", "专业需求"),
    "cause.no_volunteer": ("No volunteer on duty in the town", "本乡镇无在岗志愿者"),
    "cause.all_busy": ("All on-duty volunteers busy", "在岗志愿者全忙"),
    "cause.administrator": ("Waiting for the administrator", "等待中心管理员选派"),
    "cause.acceptance": ("Alerts unanswered or slow to accept", "派单无人响应或响应慢"),
    "cause.accepted_late": ("Accepted too late for the trip", "接单过晚，路上来不及"),
    "cause.travel": ("Travel or ferry too long", "路程或轮渡耗时过长"),
    "cause.travel_arrival": ("Turnout and travel too long", "出发准备和路程耗时过长"),
    "brief.town_cause": (
        "{town} {value} of {orders} orders a week: {share} of its misses \u201c{cause}\u201d",
        "{town} {value}（每周 {orders} 单，未兑现的 {share} 属于\u201c{cause}\u201d）",
    ),
    "cause.service": ("Service too long", "服务时间过长"),
    "cause.cancelled": ("Cancelled while waiting", "等待中被取消"),
    "cause.not_assigned": ("Not assigned in time", "未及时派单"),
    "lever.no_volunteer": (
        "volunteers on duty at the hours when a town has none (the village and town rosters)",
        "在本乡镇无人在岗的时段安排志愿者值班（村、乡镇排班）",
    ),
    "lever.all_busy": (
        "more volunteers on duty in the hours these orders were placed",
        "在这些订单下单的时段增加在岗志愿者",
    ),
    "lever.administrator": (
        "more reviewers of professional orders, in office hours and on call outside them",
        "增加负责选派的中心管理员（工作时间在岗，非工作时间值班）",
    ),
    "lever.acceptance": (
        "larger alert waves (dispatch.alerts.wave_size) or more volunteers on call near the "
        "orders, so that an alert finds one who accepts (the acceptance probability and delay "
        "are assumptions)",
        "扩大每轮派单提醒的人数（dispatch.alerts.wave_size）或在订单附近安排更多待命志愿者，"
        "让派单有人响应（响应概率和延迟为假设）",
    ),
    "lever.accepted_late": (
        "more volunteers on call in the communities where these orders are placed",
        "在这些订单所在的社区安排更多待命志愿者",
    ),
    "lever.travel": (
        "volunteers nearer the orders (more village volunteers)",
        "让志愿者离订单更近（更多村级志愿者）",
    ),
    "lever.service": ("shorter services or earlier starts", "缩短服务时间或更早开始"),
    "lever.cancelled": (
        "more village volunteers on duty when these orders are placed (patience is an assumption)",
        "在这些订单下单的时段安排更多村级志愿者在岗（耐心为假设）",
    ),
    "lever.cancelled_at_village": (
        "a shorter village timeout (dispatch.timeouts_min; {share} of them still waited at "
        "their village) or more village volunteers on duty",
        "缩短村级派单等待时限（这类取消订单中 {share} 仍在村里等待、尚未上报乡镇），或增加村级在岗志愿者",
    ),
    "lever.not_assigned": ("shorter escalation timeouts between the tiers", "缩短逐级上报的等待时间"),
    "lever.cancelled_professional": (
        "reviewers and professional organisations' members on duty when these orders are placed "
        "(their schedules; patience is an assumption)",
        "在这些订单下单的时段安排审核人员和专业志愿服务组织成员在岗（其排班；耐心为假设）",
    ),
    "lever.not_assigned_professional": (
        "members of the professional organisations on duty into the evening ({share} of them "
        "are reviewed professional orders waiting for one)",
        "专业志愿服务组织安排成员值班到晚间：其中 {share} 为专业需求订单，"
        "已由管理员选派，在等待该组织的成员接单",
    ),
    # why a surge event's orders miss its deadline (kpis.json's event_causes, docs/kpis.md), the
    # lever for each, and the briefing's and terminal's line on the largest cause
    "cause.left_on_platform": ("Left on the platform", "滞留平台"),
    "cause.collection_wait": ("Next collection too late", "下次汇总已过时限"),
    "cause.crews_busy": ("All crews out", "配送小组全部外出"),
    "cause.no_crew": ("No crew on duty or free", "无配送小组在岗或空闲"),
    "cause.trip": ("Trip too long", "配送一趟耗时过长"),
    # (each lever short enough for the briefing's line to stay one line: page 2 has little room)
    "lever.left_on_platform": (
        "free crews at the event's end (events[].callups)",
        "事件结束前保持有空闲配送小组（events[].callups）",
    ),
    "lever.collection_wait": (
        "collect more often (events[].delivery.collect_every_min)",
        "缩短汇总间隔（events[].delivery.collect_every_min）",
    ),
    "lever.crews_busy": (
        "more call-ups (events[].callups) or fewer a trip (volunteers_per_batch)",
        "增加调集志愿者（events[].callups）或减少每趟人数（volunteers_per_batch）",
    ),
    "lever.no_crew": (
        "crews on duty when orders wait (events[].callups[].hours)",
        "在订单等待的时段安排配送小组在岗（events[].callups[].hours）",
    ),
    "lever.trip": (
        "smaller batches (events[].delivery.batch_size), less shopping_min",
        "减小每批单数（events[].delivery.batch_size）、缩短 shopping_min",
    ),
    "brief.event_cause": (
        "Most misses: \u201c{cause}\u201d ({share} of {missed} a replication); lever: {lever}.",
        "未按时送达的主要原因：\u201c{cause}\u201d（平均每次重复 {missed} 单中占 {share}）；"
        "改进方向：{lever}。",
    ),
    "event.acceptance": ("accepts it", "响应（接受派单）"),
    "event.arrival": ("arrives", "到达"),
    # what the urban promise's response (响应) is read as: ours, stated among the key assumptions
    "reading.acceptance": (
        "its response as acceptance",
        "把 {minutes:g} 分钟内的\u201c响应\u201d理解为志愿者接受派单（到达也另作考核）",
    ),
    "reading.arrival": (
        "its response as arrival",
        "把 {minutes:g} 分钟内的\u201c响应\u201d理解为志愿者上门到达",
    ),
    "brief.headline": ("Headline numbers", "主要指标"),
    "brief.col_kpi": ("Measure", "指标"),
    "brief.col_value": ("Estimate (95% CI)", "估计值（95% 置信区间）"),
    "brief.col_target": ("Target", "目标"),
    "brief.col_verdict": ("Verdict", "结论"),
    "brief.channels": (
        "Service channels, appointments and hand-ups: orders meeting their deadline",
        "各服务渠道、预约与上交订单：按期完成的订单",
    ),
    # what the channel table does not judge: a short run's channels whose every order falls due
    # after the run (kpis.json's ``judged``), and the packages' visits judged in part
    "brief.unjudged": (
        "Not judged, as all their orders fall due after the run (orders summed over the "
        "replications): {channels}.",
        "未评判（订单全部在运行结束后才到期；各次重复合计）：{channels}。",
    ),
    "brief.unjudged_item": ("{channel} {n}", "{channel} {n} 单"),
    "brief.packages_partly": (
        "Package visits judged: {judged} only; {n} of {kinds} other kinds ({every}) fall due after the run.",
        "套餐服务仅评判{judged}；其余 {kinds} 种的 {n} 次上门（{every}）在运行结束后才到期。",
    ),
    "channel.professional_same_day": ("professional orders", "专业需求订单"),
    "channel.proxy_on_time": ("proxy errands", "红色代办"),
    "channel.mediation_on_time": ("disputes", "矛盾纠纷调解"),
    "channel.pairing_on_time": ("the paired units' projects (六百结对)", "六百结对服务项目"),
    "channel.package_on_time": ("package visits", "套餐服务"),
    "every.day": ("daily", "每天一次"),
    "every.days": ("every {days} days", "每 {days} 天一次"),
    "list_sep": (", ", "、"),
    "or_sep": (" or ", " 或 "),
    "brief.worst": ("Towns furthest from the promise", "与目标差距最大的乡镇"),
    "brief.worst_line": (
        "{town}: {value} of orders met their promise (95% CI {low}-{high}; target {target}): {verdict}.",
        "{town}：{value} 的订单按承诺完成（95% 置信区间 {low}～{high}；目标 {target}）：{verdict}。",
    ),
    "brief.worst_line_one": (
        "{town}: {value} of orders met their promise (one replication, no CI; target {target}): {verdict}.",
        "{town}：{value} 的订单按承诺完成（仅一次重复，无置信区间；目标 {target}）：{verdict}。",
    ),
    "brief.events": ("Event delivery", "突发事件期间的配送"),
    "brief.event_batched": (
        "{name}: the platform collects the orders every {every:g} minutes and designated "
        "volunteers buy and deliver them in batches of up to {size}, {volunteers} volunteers a "
        "trip (deadline: {deadline}).",
        "{name}：平台每 {every:g} 分钟汇总一次需求，由指定志愿者统一采购配送，每批最多 {size} 单、"
        "每趟 {volunteers} 人（时限：{deadline}）。",
    ),
    "brief.event_per_order": (
        "{name}: each order is dispatched alone, like any other (deadline: {deadline}).",
        "{name}：每单单独派单，与平时相同（时限：{deadline}）。",
    ),
    "brief.event_same_day": ("the same-day deadline", "当天办结时限"),
    "brief.event_hours": ("{hours:g} hours", "{hours:g} 小时"),
    "brief.event_kpis": (
        "Their orders: {on_time} delivered by the deadline ({verdict} against {target}); median "
        "response {response}; closed after {close} (median), {close90} (90th percentile); "
        "{hours} of volunteers' time.",
        "这些订单：{on_time} 按时送达（目标 {target}：{verdict}）；响应时间中位数 {response}；"
        "办结时间中位数 {close}，第 90 百分位数 {close90}；占用志愿者 {hours}。",
    ),
    "brief.charts": ("Charts", "图表"),
    "brief.assumptions": ("Key assumptions", "主要假设"),
    "brief.assume_window": (
        "Only orders placed in the {days:g} measured days count; the first {warmup:g} day(s) "
        "warm the system up and are left out.",
        "只统计 {days:g} 个统计日内下的订单；开头 {warmup:g} 天为预热期，不计入。",
    ),
    "brief.assume_promise": (
        "An urban order keeps its promise when a volunteer {event} within {minutes:g} minutes; "
        "any other order when it is answered and closed by its same-day deadline ({day_end}; "
        "orders placed from {cutoff} on are due by the end of the next day). Cancelled or "
        "unanswered orders count as misses. Ours: the targets, the {cutoff} cut-off, and reading "
        "the platform's requirements as promises, {reading} and same-day handling as closed.",
        "城区订单在 {minutes:g} 分钟内有志愿者{event}即为兑现承诺；其他订单须在当天时限（{day_end}）"
        "前响应并办结（{cutoff} 及以后下的订单，时限为次日结束）。群众取消或无人响应的订单计为未兑现。"
        "各项目标和 {cutoff} 截止时间为本模型的假设，原文均未给出；把原文的平台要求称为承诺、{reading}、"
        "把\u201c当天响应、当天办理\u201d按\u201c当天响应并办结\u201d考核，也是我们的理解。",
    ),
    "brief.assume_ladder": (
        "An order goes first to the on-duty volunteers of its village and its paired units; "
        "unanswered in time, it escalates to the whole town, then to the county; professional "
        "needs go through the county administrator's review{admin}.",
        "订单先派给本村及其结对单位的在岗志愿者；超时无人响应，依次上报到全乡镇、再到全县；"
        "专业需求反馈至县中心，由中心管理员审核并选派专业志愿服务组织{admin}。",
    ),
    # when the administrator reviews (admin.after_hours; none: a results folder that does not say)
    "admin.on_call": (" (on call outside office hours)", "（非工作时间由值班管理员处理）"),
    "admin.next_morning": (" in office hours only", "（仅在工作时间处理）"),
    "admin.none": ("", ""),
    "brief.assume_channels": (
        "Proxy errands (village proxy points) and disputes (village mediation rooms, the county as "
        "fallback) have deadlines in days; the errand rate assumes 120,000 services in 4 years.",
        "红色代办（各村红色代办点）和矛盾调解（老支书调解室，每村一间为我们的设定；县级兜底）设以天计的时限（我们的设定）；"
        "代办量按原文\u201c累计服务12万多人次\u201d，假定为四年累计。",
    ),
    "brief.assume_hand_up": (
        "Village teams hand up at once (ours) to their town the orders they cannot provide, {share} "
        "of catalogue orders here, and never take them back.",
        "村里提供不了的订单立即（我们的设定）上交乡镇实践所协调：本情景中占清单内订单的 {share}；"
        "上交的村不再接回这些订单。",
    ),
    "brief.assume_pairing": (
        "The paired units' {projects:,.0f} service projects (六百结对) are each ordered "
        "{times_text} a year by the residents of the paired villages "
        "(ours: the source gives no rate) and are due {due_days:g} days after the order "
        "(ours; the source: generally within a few days); only the village's paired units deliver "
        "them (ours).",
        "结对单位的 {projects:.0f} 个服务项目（六百结对）由结对村群众下单，每个项目每年下单 "
        "{orders_per_project_per_year:g} 次（假设：原文未给出频率），下单后 {due_days:g} 天内送达"
        "（我们的设定；原文：一般几天之内）；只由本村的结对单位配送（我们的设定）。",
    ),
    "brief.assume_packages": (
        "Tailored packages (套餐, from the article's account of the epidemic; we run them all "
        "year): {kinds:g} recurring services for {recipients_per_1000:g} registered recipients "
        "per 1,000 residents in all (assumed shares of elderly people living alone, left-behind "
        "children (our stand-in for the article's children under observation), pregnant women "
        "and babies, people with special needs), each visit due within its window and served by "
        "{tiers}.",
        "定制“套餐”（原文见于疫情期间的做法，我们假设全年开展）：{kinds:g} 种定期服务，登记服务对象"
        "合计每千名居民 {recipients_per_1000:g} 名（孤寡老人、留守儿童、孕妇婴儿、特需群体的比例均为假设；"
        "留守儿童替代原文的“留观儿童”，为我们的设定），每次上门须在各自时限内完成，由{tiers}承担。",
    ),
    # the teams that serve a package visit, by the packages' top tier (packages.top_tier)
    "tiers.1": ("village teams", "本村队伍"),
    "tiers.2": ("village and town teams", "村、乡镇两级队伍"),
    "tiers.3": ("village, town and county teams", "村、乡镇、县三级队伍"),
    "brief.generated": (
        "Generated by `redvest report {folder}` (or `python run.py report {folder}`).",
        "由 `redvest report {folder}`（或 `python run.py report {folder}`）生成。",
    ),
}

# KPI labels in Chinese (English labels live in sim.results.kpi_catalogue.KPI_INFO).
KPI_ZH: dict[str, str] = {
    "urban_10min": "城区订单在承诺时间内响应",
    "rural_same_day": "非城区订单在当天时限内响应并办结",
    "rural_by_midnight": "非城区订单在下单当天午夜前响应并办结",
    "professional_same_day": "专业需求订单在当天时限内办结",
    "professional_by_organisations": "已办结的专业需求订单中由专业志愿服务组织办理的比例",
    "professional_cancelled_before_review": "专业需求订单在管理员审核选派前被取消的比例",
    "proxy_on_time": "红色代办事项按时办结",
    "mediation_on_time": "矛盾纠纷按时调解",
    "proxy_same_day": "红色代办事项当天响应、当天办结",
    "mediation_same_day": "矛盾纠纷当天响应、当天办结",
    "pairing_on_time": "结对服务项目限期送达",
    "package_on_time": "套餐服务按时上门",
    "appointments_on_time": "预约订单按所在区域承诺兑现（自预约时间起算）",
    "handed_up_on_time": "上交订单按所在区域承诺兑现",
    "open_overnight_per_week": "下单当天午夜仍未办结的清单内和专业需求订单",
    "open_overnight_per_1000": "下单当天午夜仍未办结的清单内和专业需求订单（每千单）",
    "open_overnight_urban_per_1000": "城区清单内和专业需求订单过夜未办结（每千单）",
    "open_overnight_rural_per_1000": "非城区清单内和专业需求订单过夜未办结（每千单）",
    "open_overnight_before_cutoff_per_1000": "截止时间前下单的清单内和专业需求订单过夜未办结（每千单）",
    "open_overnight_after_cutoff_per_1000": "截止时间后下单的清单内和专业需求订单过夜未办结（每千单）",
    "urban_10min_acceptance": "城区订单在承诺时间内有志愿者响应（接受派单）",
    "urban_10min_arrival": "城区订单在承诺时间内志愿者到达",
    "urban_10min_day": "城区订单在承诺时间内响应（白天 07:00～19:00）",
    "urban_10min_evening": "城区订单在承诺时间内响应（晚间 19:00～22:00）",
    "urban_10min_night": "城区订单在承诺时间内响应（夜间 22:00～07:00）",
    "rural_placed_after_cutoff": "非城区订单在截止时间后下单（次日办结）的比例",
    "orders_per_day": "下单量",
    "response_p50_urban": "城区响应时间中位数",
    "response_p90_urban": "城区响应时间第 90 百分位数",
    "response_p95_urban": "城区响应时间第 95 百分位数",
    "response_p50_rural": "非城区响应时间中位数",
    "response_p90_rural": "非城区响应时间第 90 百分位数",
    "response_p95_rural": "非城区响应时间第 95 百分位数",
    # 上报 is the escalation by timeout (逐级上报), 上交 the village's hand-up at once: this KPI
    # counts both, every catalogue order that reached its town or beyond
    "escalation_rate": "转出本村（逐级上报或上交乡镇）的清单内订单",
    "county_escalation_rate": "上报到县级的清单内订单",
    "cancellation_rate": "群众取消的订单（占可取消订单）",
    "served_village": "由村居实践站办理的订单",
    "served_paired": "由结对单位办理的订单",
    "served_town": "由乡镇实践所办理的订单",
    "served_county": "由县中心办理的订单",
    "served_subcenter": "由部门分中心办理的订单",
    "served_professional": "由专业队伍办理的订单",
    "served_proxy_point": "由红色代办点办理的订单",
    "served_mediation_room": "由老支书调解室办理的订单",
    "served_cancelled": "取消的订单",
    "served_open": "期末仍未响应的订单",
    "utilisation": "志愿者利用率（忙碌/在岗）",
    "on_duty_hours_per_week": "每周志愿者在岗小时数",
    "credited_hours_per_volunteer_month": "活跃志愿者人均信用时数",
    "activities_per_month": "计划开展的志愿活动",
    "backlog_mean": "等待响应的清单内和专业需求订单（平均）",
    "backlog_max": "等待响应的清单内和专业需求订单（最多）",
    "hand_up_rate": "村级无法提供而上交乡镇的清单内订单",
    "event_on_time": "突发事件订单按时送达",
    "event_response_p50": "突发事件订单响应时间中位数",
    "event_close_p50": "突发事件订单办结时间中位数",
    "event_close_p90": "突发事件订单办结时间第 90 百分位数",
    "event_volunteer_hours": "突发事件订单占用的志愿服务时长",
}


def tr(key: str, lang: str = "en", **values) -> str:
    """The text of ``key`` in ``lang`` ("en" or "zh"), with ``values`` filled in."""
    en, zh = TEXT[key]
    text = zh if lang == "zh" and zh else en
    return text.format(**values) if values else text


def kpi_label(name: str, english: str, lang: str = "en") -> str:
    """A KPI's label: ``english`` (from kpis.json / KPI_INFO) or its Chinese translation."""
    if lang == "zh":
        if name.startswith("town."):
            what = {
                "compliance": "按承诺完成比例",
                "urban_10min": "城区按承诺响应",
                "rural_same_day": "非城区当天时限内办结",
                "urban_10min_acceptance": "城区按承诺响应（按接受派单计）",
                "urban_10min_arrival": "城区按承诺到达（按到达计）",
                "urban_10min_day": "城区按承诺响应（白天）",
                "urban_10min_evening": "城区按承诺响应（晚间）",
                "urban_10min_night": "城区按承诺响应（夜间）",
            }
            return name.split(".")[1] + " " + what.get(name.split(".")[-1], name.split(".")[-1])
        return KPI_ZH.get(name, english)
    return english


def unit_label(unit: str, lang: str = "en") -> str:
    """A unit as shown on an axis ("share" is shown as %)."""
    key = f"unit.{unit}"
    return tr(key, lang) if key in TEXT else unit
