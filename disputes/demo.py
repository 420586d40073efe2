"""Demo disputes and tickets (load_demo): 西连镇's 2021 ledgers with the seed report's figures (118 disputes, 106
resolved, 12 still being handled; 94 tickets, all closed) and a smaller 2021–2022 set for 迈陈镇 with open tickets
past their deadline; then the current year and the one before for both (load_living_years), up to today. Rows are
generated from seeded randoms, so every run gives the same rows (a living year's also depend on today); they are
matched by their natural keys and their steps rewritten, so running it twice duplicates nothing."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from disputes.models import (
    Dispute,
    DisputeCategory,
    DisputeStep,
    RequestType,
    Satisfaction,
    SurveyMethod,
    Ticket,
    TicketStep,
    seed_dispute_categories,
    sla_table,
    ticket_deadline,
)
from disputes.workdays import WorkCalendar
from xilian.models import User
from xilian.phones import mask_phone
from xilian.roles import Role

SURNAMES = "陈李王林黄吴邓梁何冯蔡苏许叶郑谢杨朱徐唐韩符庞莫钟吕袁曾詹"
GIVEN = ["海", "明", "春", "秀英", "金花", "志强", "建华", "丽", "玉兰", "国平", "文", "德", "晓燕", "伟", "芳",
         "桂兰", "少华", "亚妹", "永", "小红", "振雄", "秋菊", "家福", "美娟", "水生", "荣", "月娥", "光辉"]
CATEGORY_WEIGHTS = {
    "邻里": 24, "山林土地承包经营权": 18, "婚姻家庭继承": 17, "道路规划": 15, "房屋宅基地": 14, "损害赔偿": 10,
    "合同": 6, "劳动争议": 6, "村务管理": 4, "交通事故": 3, "环境保护": 2,
}
CAUSES = {
    "邻里": "因排水沟走向、院墙搭建问题", "山林土地承包经营权": "因承包地边界、桉树林地权属问题",
    "婚姻家庭继承": "因赡养老人、分家析产问题", "道路规划": "因村道拓宽占用耕地、道路走向问题",
    "房屋宅基地": "因宅基地界址、建房滴水问题", "损害赔偿": "因牲畜损坏农作物赔偿问题", "合同": "因菠萝收购款结算问题",
    "劳动争议": "因务工工资拖欠问题", "村务管理": "因村集体收益分配问题", "交通事故": "因摩托车碰撞赔偿问题",
    "环境保护": "因养殖场排污问题",
}
MEDIATORS = ["杨荣德", "刘强芳", "何洋", "苏林", "冯林", "胡涛", "吴海清", "陈光明", "黄秀梅", "林振华"]
LEADERS = ["王建国", "邓志明", "梁海燕", "许文彬"]
_R, _S = RequestType, Ticket.Subject
TICKET_TOPICS = [
    (_R.CONSULTATION, _S.SOCIAL_SECURITY, "城乡居民医保缴费咨询", "咨询今年城乡居民医保缴费标准和缴费渠道。"),
    (_R.CONSULTATION, _S.AGRICULTURE, "菠萝收购价格咨询", "咨询本镇菠萝收购指导价格及收购点。"),
    (_R.CONSULTATION, _S.SOCIAL_SECURITY, "养老金发放咨询", "咨询城乡居民养老金发放时间和标准。"),
    (_R.HELP, _S.SOCIAL_SECURITY, "低保申请进度", "家中困难，询问低保申请的办理进度。"),
    (_R.HELP, _S.PUBLIC_SECURITY, "疑似电信诈骗求助", "接到自称客服的电话要求转账，请求协助核实。"),
    (_R.HELP, _S.CONSTRUCTION, "排水沟堵塞", "村内排水沟堵塞，雨天积水进屋，请求疏通。"),
    (_R.SUGGESTION, _S.CONSTRUCTION, "村道路灯不亮", "村道路灯多盏不亮，夜间出行不便，建议维修。"),
    (_R.SUGGESTION, _S.ENVIRONMENT, "垃圾清运不及时", "垃圾收集点清运不及时，气味较大，建议增加清运次数。"),
    (_R.SUGGESTION, _S.AGRICULTURE, "农田灌溉用水纠纷", "灌溉渠放水时间安排不合理，建议统一协调。"),
    (_R.COMPLAINT, _S.ENVIRONMENT, "养殖场异味扰民", "附近养猪场异味严重，影响周边居民生活。"),
    (_R.COMPLAINT, _S.MARKET, "农资质量投诉", "购买的化肥疑似质量不合格，请求查处。"),
    (_R.COMPLAINT, _S.CONSTRUCTION, "道路破损影响出行", "村道路面破损严重，车辆通行困难。"),
    (_R.COMPLAINT, _S.PUBLIC_SECURITY, "夜间噪音扰民", "夜间有人在路边聚集喧哗，影响休息。"),
    (_R.REPORT, _S.CONSTRUCTION, "耕地被占用建房", "举报有人在基本农田上违法建房。"),
    (_R.REPORT, _S.MARKET, "商铺价格欺诈", "举报商铺明码标价与实际收费不一致。"),
    (_R.REPORT, _S.ENVIRONMENT, "焚烧秸秆", "举报有人在田间焚烧秸秆，烟雾较大。"),
    (_R.REPORT, _S.CONSTRUCTION, "路边摊占道", "举报圩日路边摊占道经营，影响交通。"),
]
CHANNEL_WEIGHTS = {Ticket.Channel.PHONE: 55, Ticket.Channel.WECHAT: 23, Ticket.Channel.WEBSITE: 20,
                   Ticket.Channel.MINI_PROGRAM: 2}


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng):
    return mask_phone(rng.choice(["139", "138", "135", "137", "150", "159", "188", "189", "177"]) + "".join(
        rng.choice("0123456789") for _ in range(8)))


def _day_in(rng, year, last_day=None):
    start = date(year, 1, 1)
    return start + timedelta(days=rng.randrange(((last_day or date(year, 12, 31)) - start).days + 1))


def _at(day, hour, minute):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _staff(township):
    return User.objects.filter(township=township, role=Role.STAFF).order_by("pk").first()


def _save_records(model, township, user, key, rows):
    """Creates or updates `rows` ((number, fields, steps)) by their natural key `key`: one query finds those
    already there, one save each (so the model's save() rules apply). Returns [(record, steps)]."""
    found = {getattr(record, key): record for record in model.objects.filter(
        township=township, **{f"{key}__in": [number for number, _, _ in rows]})}
    saved = []
    for number, fields, steps in rows:
        record = found.get(number) or model(township=township, **{key: number})
        for name, value in {**fields, "created_by": user, "voided_at": None}.items():
            setattr(record, name, value)
        record.save()
        saved.append((record, steps))
    return saved


def _save_disputes(township, user, rows):
    """Saves the disputes and rewrites their steps, in a few queries for the lot (load_demo stays quick)."""
    saved = _save_records(Dispute, township, user, "case_number", rows)
    DisputeStep.objects.filter(dispute__in=[dispute for dispute, _ in saved]).delete()
    DisputeStep.objects.bulk_create(
        DisputeStep(dispute=dispute, state=state, happened_on=day, note=note, recorded_by=user)
        for dispute, steps in saved for state, day, note in steps
    )


# The seed report is dated 2021年12月8日 and counts "截至目前": its ledgers stop there, so its figures hold at that
# cut-off as at the year's end.
REPORT_CUT_OFF = (12, 8)


def load_disputes(township, *, year, prefix, total, open_count, rng):
    user, rows = _staff(township), []
    villages = list(township.villages.all())
    categories = {c.name: c for c in DisputeCategory.objects.filter(county=township.county)}
    names = [name for name in CATEGORY_WEIGHTS if name in categories]
    cut_off = date(year, *REPORT_CUT_OFF)
    # received, mediated and resolved by the report's cut-off, as the ledger behind a report dated in December
    received_days = sorted(_day_in(rng, year, cut_off) for _ in range(total))
    still_open = set(rng.sample(range(total), open_count))
    for index, received_on in enumerate(received_days):
        category = rng.choices(names, weights=[CATEGORY_WEIGHTS[n] for n in names])[0]
        village = rng.choice(villages)
        first, second = _name(rng), _name(rng)
        mediating_on = min(received_on + timedelta(days=rng.randint(0, 3)), cut_off)
        fields = {
            "received_on": received_on, "category": categories[category], "village": village,
            "parties": f"{first}、{second}", "people_involved": rng.randint(2, 8),
            "summary": f"{village.name}村民{first}与{second}{CAUSES[category]}发生纠纷，申请调解。",
            "mediation_body": f"{village.name}人民调解委员会", "mediator": rng.choice(MEDIATORS),
            "lead_official": rng.choice(LEADERS), "risk_level": rng.choices(["low", "medium", "high"], [7, 2, 1])[0],
            "resolved_on": None, "resolution_method": "", "follow_up": "", "remarks": "",
        }
        steps = [(Dispute.State.REGISTERED, received_on, "登记受理"),
                 (Dispute.State.MEDIATING, mediating_on, "组织双方调解")]
        if index in still_open:
            state = rng.choice([Dispute.State.MEDIATING] * 5 + [Dispute.State.TRANSFERRED])
            if state == Dispute.State.TRANSFERRED:
                fields["transferred_to"] = f"{township.name}司法所"
                steps.append((state, mediating_on + timedelta(days=7), "移送镇司法所继续调处"))
        else:
            resolved_on = min(mediating_on + timedelta(days=rng.randint(3, 35)), cut_off)
            method = rng.choices(list(Dispute.ResolutionMethod), [45, 24, 35, 2])[0]
            state = Dispute.State.CLOSED if rng.random() < 0.7 else Dispute.State.RESOLVED
            fields.update(resolved_on=resolved_on, resolution_method=method)
            steps.append((Dispute.State.RESOLVED, resolved_on, f"经{Dispute.ResolutionMethod(method).label}达成协议"))
            if state == Dispute.State.CLOSED:
                fields["follow_up"] = "回访双方，协议已履行，无反复。"
                steps.append((state, resolved_on + timedelta(days=rng.randint(7, 20)), fields["follow_up"]))
        fields["state"] = state
        rows.append((f"（{year}）{prefix}调字第{index + 1}号", fields, steps))
    _save_disputes(township, user, rows)


def _save_tickets(township, user, rows):
    """Saves the tickets and rewrites their steps, in a few queries for the lot (load_demo stays quick)."""
    saved = _save_records(Ticket, township, user, "ticket_number", rows)
    TicketStep.objects.filter(ticket__in=[ticket for ticket, _ in saved]).delete()
    TicketStep.objects.bulk_create(
        TicketStep(ticket=ticket, action=action, happened_at=moment, note=note, recorded_by=user)
        for ticket, steps in saved for action, moment, note in steps
    )


def _satisfactions(rng, count):
    """About the sample ledger's mix: 73% 满意, 17% 基本满意, one 不满意, the rest not reached by the 回访."""
    values = ([Satisfaction.SATISFIED] * round(count * 0.73) + [Satisfaction.FAIRLY_SATISFIED] * round(count * 0.17)
              + [Satisfaction.DISSATISFIED])
    values += [Satisfaction.NOT_SURVEYED] * (count - len(values))
    rng.shuffle(values)
    return values


def _received_moment(rng, years, received_by):
    year = rng.choice(years)
    day = _day_in(rng, year, date(year, *received_by) if received_by else None)
    return _at(day, rng.randint(8, 17), rng.randrange(60))


def load_tickets(township, *, years, total, open_count, late_count, rng, received_by=None):
    """`total` tickets received across `years` (by the month and day `received_by` when given: then a month
    before the report's cut-off, so that every one is closed and surveyed by it); the last `open_count` (in time)
    are still open, `late_count` of the others were closed after their deadline."""
    user, rows = _staff(township), []
    villages = list(township.villages.all())
    units = [f"{township.name}{unit}" for unit in ("人民政府", "综治中心", "规划建设办", "农业农村办")] + [
        f"{township.name[:-1]}派出所"]
    sla, calendar = sla_table(), WorkCalendar.load()
    moments = sorted(_received_moment(rng, years, received_by) for _ in range(total))
    satisfactions = _satisfactions(rng, total)
    late = set(rng.sample(range(total - open_count), late_count))
    for index, received_at in enumerate(moments):
        request_type, subject, title, content = rng.choice(TICKET_TOPICS)
        village = rng.choice(villages)
        deadline = ticket_deadline(received_at, request_type, sla=sla, calendar=calendar)
        signed_at = received_at + timedelta(hours=rng.randint(1, 3), minutes=rng.randrange(60))
        fields = {
            "received_at": received_at,
            "channel": rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0],
            "request_type": request_type, "subject": subject, "title": title,
            "content": f"{village.name}群众反映：{content}", "caller_name": _name(rng), "caller_phone": _phone(rng),
            "village": village, "handling_unit": rng.choice(units), "deadline": deadline, "deadline_given": False,
            "signed_at": signed_at, "state": Ticket.State.SIGNED, "closed_at": None, "reply": "",
            "satisfaction": Satisfaction.NOT_SURVEYED,
        }
        steps = [(TicketStep.Action.RECEIVE, received_at, f"办理时限 {deadline:%Y-%m-%d}"),
                 (TicketStep.Action.SIGN, signed_at, "")]
        if index < total - open_count:
            closed_on = deadline + timedelta(days=rng.randint(1, 6)) if index in late else signed_at.date() + timedelta(
                days=rng.randint(0, (deadline - signed_at.date()).days))
            closed_at = max(_at(closed_on, rng.randint(9, 17), rng.randrange(60)), signed_at + timedelta(hours=2))
            reply = f"经{fields['handling_unit']}核实处理，已向诉求人答复：{title}问题已按规定处理。"
            fields.update(state=Ticket.State.CLOSED, closed_at=closed_at, reply=reply,
                          satisfaction=satisfactions[index])
            steps.append((TicketStep.Action.CLOSE, closed_at, reply))
            if satisfactions[index] != Satisfaction.NOT_SURVEYED:
                surveyed_at = closed_at + timedelta(days=2)
                fields.update(survey_method=SurveyMethod.PHONE, surveyed_at=surveyed_at)
                steps.append((TicketStep.Action.SURVEY, surveyed_at,
                              f"{Satisfaction(satisfactions[index]).label}（电话）"))
        # Past the sample ledger's 0001–0094 (tests/samples/12345工单_西连镇_2021.xlsx): that file, imported onto the
        # demo, must add its own tickets, not update a demo ticket that happens to share a number.
        number = f"XW{received_at:%Y%m%d}{index + 101:04d}"
        rows.append((number, fields, steps))
    _save_tickets(township, user, rows)


def load(county):
    seed_dispute_categories(county)
    xilian = county.townships.get(name="西连镇")
    load_disputes(xilian, year=2021, prefix="西连", total=118, open_count=12, rng=random.Random(2021_118))
    load_tickets(xilian, years=[2021], total=94, open_count=0, late_count=3, rng=random.Random(2021_94),
                 received_by=(11, 8))
    maichen = county.townships.get(name="迈陈镇")
    for year in (2021, 2022):
        load_disputes(maichen, year=year, prefix="迈陈", total=15, open_count=3, rng=random.Random(year))
    load_tickets(maichen, years=[2021, 2022], total=30, open_count=4, late_count=2, rng=random.Random(2022_30))
    load_living_years(county, timezone.localdate())


# The years a leader opens the portal on: the current one and the one before, generated up to today. 2021 (and 迈陈镇's
# 2022) stay the seed's ledgers above, so a living year never rewrites them.
SEED_YEARS = {"西连镇": {2021}, "迈陈镇": {2021, 2022}}
# (township, prefix, disputes a year, tickets a year, disputes still open past 30 days, tickets open past deadline)
LIVING_SIZES = [("西连镇", "西连", 110, 100, 4, 5), ("迈陈镇", "迈陈", 40, 36, 2, 3)]


def living_years(today):
    return [today.year - 1, today.year]


def _share_of_year(year, today):
    """The part of `year` that has passed by `today` (1 for a past year)."""
    last = min(date(year, 12, 31), today)
    return ((last - date(year, 1, 1)).days + 1) / ((date(year, 12, 31) - date(year, 1, 1)).days + 1)


def load_living_disputes(township, *, year, prefix, total, long_open, rng, today):
    """`total` disputes received from 1 January up to `today`: those received in the last 30 days mostly still
    being mediated, `long_open` older ones still open, the rest resolved (and most followed up) by today. Numbered
    by year and index only, so a rerun on a later day updates the same cases."""
    user, rows = _staff(township), []
    villages = list(township.villages.all())
    categories = {c.name: c for c in DisputeCategory.objects.filter(county=township.county)}
    names = [name for name in CATEGORY_WEIGHTS if name in categories]
    last_day = min(date(year, 12, 31), today)
    received_days = sorted(_day_in(rng, year, last_day) for _ in range(total))
    older = [i for i, day in enumerate(received_days) if (today - day).days > 30]
    still_open = set(rng.sample(older, min(long_open, len(older))))
    for index, received_on in enumerate(received_days):
        category = rng.choices(names, weights=[CATEGORY_WEIGHTS[n] for n in names])[0]
        village = rng.choice(villages)
        first, second = _name(rng), _name(rng)
        mediating_on = min(received_on + timedelta(days=rng.randint(0, 3)), today)
        resolved_on = mediating_on + timedelta(days=rng.randint(3, 35))
        followed_up_on = resolved_on + timedelta(days=rng.randint(7, 20))
        fields = {
            "received_on": received_on, "category": categories[category], "village": village,
            "parties": f"{first}、{second}", "people_involved": rng.randint(2, 8),
            "summary": f"{village.name}村民{first}与{second}{CAUSES[category]}发生纠纷，申请调解。",
            "mediation_body": f"{village.name}人民调解委员会", "mediator": rng.choice(MEDIATORS),
            "lead_official": rng.choice(LEADERS), "risk_level": rng.choices(["low", "medium", "high"], [7, 2, 1])[0],
            "resolved_on": None, "resolution_method": "", "follow_up": "", "remarks": "", "transferred_to": "",
        }
        method = rng.choices(list(Dispute.ResolutionMethod), [45, 24, 35, 2])[0]
        steps = [(Dispute.State.REGISTERED, received_on, "登记受理"),
                 (Dispute.State.MEDIATING, mediating_on, "组织双方调解")]
        state = Dispute.State.MEDIATING
        if index in still_open and mediating_on + timedelta(days=7) <= today and rng.random() < 0.3:
            state, fields["transferred_to"] = Dispute.State.TRANSFERRED, f"{township.name}司法所"
            steps.append((state, mediating_on + timedelta(days=7), "移送镇司法所继续调处"))
        elif index not in still_open and resolved_on <= today:
            state = Dispute.State.RESOLVED
            fields.update(resolved_on=resolved_on, resolution_method=method)
            steps.append((state, resolved_on, f"经{Dispute.ResolutionMethod(method).label}达成协议"))
            if followed_up_on <= today and rng.random() < 0.7:
                state, fields["follow_up"] = Dispute.State.CLOSED, "回访双方，协议已履行，无反复。"
                steps.append((state, followed_up_on, fields["follow_up"]))
        fields["state"] = state
        rows.append((f"（{year}）{prefix}调字第{index + 1}号", fields, steps))
    _save_disputes(township, user, rows)


def load_living_tickets(township, *, year, total, overdue, rng, today):
    """`total` tickets received from 1 January up to yesterday, with deadlines as the SLA gives them: those still
    within their deadline open (some due within 2 working days), `overdue` of those received in the last two months
    open past their deadline, the others closed (a few late) and mostly surveyed, every step before now. Numbered
    by year and index only, so a rerun on a later day updates the same tickets."""
    user, rows = _staff(township), []
    villages = list(township.villages.all())
    units = [f"{township.name}{unit}" for unit in ("人民政府", "综治中心", "规划建设办", "农业农村办")] + [
        f"{township.name[:-1]}派出所"]
    sla, calendar, now = sla_table(), WorkCalendar.load(), timezone.now()
    last_day = min(date(year, 12, 31), today - timedelta(days=1))
    # received in office hours, so that signing (≤ 3 h 59) and closing (≥ 2 h after) stay on the day of receipt
    moments = sorted(_at(_day_in(rng, year, last_day), rng.randint(8, 15), rng.randrange(60)) for _ in range(total))
    satisfactions = _satisfactions(rng, total)
    topics = [rng.choice(TICKET_TOPICS) for _ in moments]
    deadlines = [ticket_deadline(moment, request_type, sla=sla, calendar=calendar)
                 for moment, (request_type, *_) in zip(moments, topics, strict=True)]
    recently_due = [i for i, deadline in enumerate(deadlines) if today - timedelta(days=60) <= deadline < today]
    left_open = set(rng.sample(recently_due, min(overdue, len(recently_due))))
    for index, received_at in enumerate(moments):
        request_type, subject, title, content = topics[index]
        village, deadline = rng.choice(villages), deadlines[index]
        signed_at = received_at + timedelta(hours=rng.randint(1, 3), minutes=rng.randrange(60))
        closed_on = (min(deadline + timedelta(days=rng.randint(1, 6)), last_day) if rng.random() < 0.04
                     else signed_at.date() + timedelta(days=rng.randint(0, (deadline - signed_at.date()).days)))
        closed_at = max(_at(closed_on, rng.randint(9, 17), rng.randrange(60)), signed_at + timedelta(hours=2))
        fields = {
            "received_at": received_at,
            "channel": rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0],
            "request_type": request_type, "subject": subject, "title": title,
            "content": f"{village.name}群众反映：{content}", "caller_name": _name(rng), "caller_phone": _phone(rng),
            "village": village, "handling_unit": rng.choice(units), "deadline": deadline, "deadline_given": False,
            "signed_at": signed_at, "state": Ticket.State.SIGNED, "closed_at": None, "reply": "",
            "satisfaction": Satisfaction.NOT_SURVEYED, "survey_method": "", "surveyed_at": None,
        }
        steps = [(TicketStep.Action.RECEIVE, received_at, f"办理时限 {deadline:%Y-%m-%d}"),
                 (TicketStep.Action.SIGN, signed_at, "")]
        if index not in left_open and closed_at < now and deadline < today:
            reply = f"经{fields['handling_unit']}核实处理，已向诉求人答复：{title}问题已按规定处理。"
            fields.update(state=Ticket.State.CLOSED, closed_at=closed_at, reply=reply)
            steps.append((TicketStep.Action.CLOSE, closed_at, reply))
            surveyed_at = closed_at + timedelta(days=2)
            if satisfactions[index] != Satisfaction.NOT_SURVEYED and surveyed_at < now:
                fields.update(satisfaction=satisfactions[index], survey_method=SurveyMethod.PHONE,
                              surveyed_at=surveyed_at)
                steps.append((TicketStep.Action.SURVEY, surveyed_at,
                              f"{Satisfaction(satisfactions[index]).label}（电话）"))
        rows.append((f"XW{year}{index + 1:06d}", fields, steps))
    _save_tickets(township, user, rows)


def load_living_years(county, today):
    """The current year and the one before, for both demo townships, each from its own seed."""
    for name, prefix, disputes, tickets, long_open, overdue in LIVING_SIZES:
        township = county.townships.get(name=name)
        for year in living_years(today):
            if year in SEED_YEARS[name]:
                continue
            share = _share_of_year(year, today)
            load_living_disputes(township, year=year, prefix=prefix, total=round(disputes * share),
                                 long_open=long_open, rng=random.Random(f"{name}{year}disputes"), today=today)
            load_living_tickets(township, year=year, total=round(tickets * share), overdue=overdue,
                                rng=random.Random(f"{name}{year}tickets"), today=today)
