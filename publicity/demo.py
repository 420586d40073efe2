"""Demo records (load_demo): 西连镇's 2021 ledgers as in the seed report — 9 普法活动, 16 学法 sessions and a lawyer
for each of its 16 villages — and a smaller 2021 set for 迈陈镇 where two villages still have no lawyer. The current
year and the one before repeat each township's 2021 calendar (the same 宣传节点 and sessions) up to today, so a leader
who logs in sees this year's work."""

import datetime
from decimal import Decimal

from django.utils import timezone

from publicity.models import Event, EventForm, Law, Lawyer, Study
from publicity.services import law_seed_defaults
from xilian.models import User, Village
from xilian.roles import Role

# The ledgers, one row a line as staff keep them (fields separated by "|"; an empty village means 全镇).
# 活动日期|活动名称|主题|宣传节点|形式|地点|所属村（社区）|宣传对象|参与人数|发放资料（份）|参与律师
EVENTS = {
    "西连镇": """
2021-03-12|“三八”妇女维权普法宣传|妇女权益保障||街头宣传|西连圩|西连社区|辖区妇女群众|260|800|林小红
2021-04-15|全民国家安全教育日宣传|4·15国家安全教育日|0415|街头宣传、横幅|西连圩|西连社区|赶圩群众|320|1000|
2021-05-20|民法典宣传月进村入户|民法典宣传月|05|讲座|迈谷村委会|迈谷村|迈谷村村民|85|300|陈伟明
2021-06-26|国际禁毒日禁毒宣传|6·26国际禁毒日|0626|讲座、展板|西连中学|西连社区|西连中学师生|600|1200|
2021-07-16|防范电信网络诈骗宣传|反诈宣传||微信、短信|全镇||全镇群众|4300|0|
2021-08-24|土地管理法进村宣讲|新修订土地管理法||讲座|边板村委会|边板村|边板村两委干部及村民|70|200|陈伟明
2021-09-10|渔港码头安全生产普法|安全生产法||现场宣传|北海渔港|北海村|渔民、船主|140|400|黄志坚
2021-11-09|消防安全知识宣传|11·9消防宣传日|1109|电子显示屏、街头宣传|西连圩|西连社区|商户及群众|210|500|
2021-12-04|国家宪法日宪法宣传|12·4国家宪法日|1204|街头宣传、宪法宣誓|镇政府广场|西连社区|镇村干部及群众|380|1500|吴丽萍
""",
    "迈陈镇": """
2021-04-15|国家安全教育日主题宣传|4·15国家安全教育日|0415|横幅、展板|迈陈圩|迈陈社区|赶圩群众|180|600|
2021-06-25|禁毒知识进校园|6·26国际禁毒日|0626|讲座|迈陈中学|迈陈社区|迈陈中学学生|450|900|梁国栋
2021-09-16|扫黑除恶常态化宣传|扫黑除恶||微信、电子显示屏|全镇||全镇群众|2600|0|
2021-12-03|宪法宣传周进村宣讲|12·4国家宪法日|1204|讲座、入户走访|东港村委会|东港村|东港村村民|95|350|冯晓琪
""",
}

# 学习日期|学习形式|学习内容|法律法规（、分隔）|主讲人|主持人|参学人数|学时
STUDIES = {
    "西连镇": """
2021-01-22|central_group|《党政主要负责人履行推进法治建设第一责任人职责规定》|《党政主要负责人履行推进法治建设第一责任人职责规定》|镇党委书记|镇党委书记|43|2
2021-02-26|central_group|《中国共产党政法工作条例》|《中国共产党政法工作条例》|镇党委书记|镇党委书记|44|2
2021-03-18|collective|《中华人民共和国民法典》总则编|《中华人民共和国民法典》|镇法律顾问|镇长|38|2
2021-03-30|collective|新修订《中华人民共和国土地管理法》|《中华人民共和国土地管理法》|镇法律顾问|镇长|59|2
2021-04-21|before_meeting|《中华人民共和国土地管理法实施条例》|《中华人民共和国土地管理法实施条例》|镇法律顾问|镇长|59|2
2021-05-13|collective|《中华人民共和国民法典》物权编|《中华人民共和国民法典》|镇法律顾问|镇长|22|2
2021-05-27|lecture|农村乱占耕地建房“八不准”|农村乱占耕地建房“八不准”、《中华人民共和国土地管理法》|镇法律顾问|镇长|34|2
2021-06-17|before_meeting|《中华人民共和国森林法》|《中华人民共和国森林法》|镇法律顾问|镇长|19|2
2021-07-08|collective|《中华人民共和国乡村振兴促进法》|《中华人民共和国乡村振兴促进法》|镇法律顾问|镇长|41|2
2021-07-29|before_meeting|《中华人民共和国水法》|《中华人民共和国水法》|镇法律顾问|镇长|52|2
2021-08-19|collective|《中华人民共和国行政处罚法》（2021年修订）|《中华人民共和国行政处罚法》|镇法律顾问|镇长|57|2
2021-09-09|before_meeting|《中华人民共和国安全生产法》（2021年修正）|《中华人民共和国安全生产法》|镇法律顾问|镇长|60|2
2021-09-28|lecture|《中华人民共和国数据安全法》|《中华人民共和国数据安全法》|镇法律顾问|镇长|61|2
2021-10-21|collective|《中华人民共和国个人信息保护法》|《中华人民共和国个人信息保护法》|镇法律顾问|镇长|26|2
2021-11-18|central_group|习近平法治思想|习近平法治思想|镇党委书记|镇党委书记|51|2
2021-12-02|collective|《中华人民共和国宪法》|《中华人民共和国宪法》|镇法律顾问|镇长|61|2
""",
    "迈陈镇": """
2021-02-24|central_group|习近平法治思想|习近平法治思想|镇党委书记|镇党委书记|38|2
2021-04-08|collective|《中华人民共和国民法典》婚姻家庭编|《中华人民共和国民法典》|镇法律顾问|镇长|47|2
2021-06-10|before_meeting|《中华人民共和国安全生产法》|《中华人民共和国安全生产法》|镇法律顾问|镇长|29|1
2021-08-26|court_hearing|旁听县人民法院行政案件庭审|《中华人民共和国行政处罚法》|县人民法院法官|分管政法副书记|25|3
2021-10-14|lecture|《中华人民共和国个人信息保护法》|《中华人民共和国个人信息保护法》|镇法律顾问|镇长|40|2
2021-12-01|exam|年度领导干部学法考试|《中华人民共和国宪法》、《中华人民共和国民法典》|镇司法所|分管政法副书记|52|1.5
""",
}

# 律师|律师事务所|联系电话|镇法律顾问(1/0)|驻点村（社区）（、分隔）
LAWYERS = {
    "西连镇": """
陈伟明|广东海安律师事务所|13826013578|1|西连村、迈谷村、边板村、北海村
林小红|广东海安律师事务所|13902561847|0|龙腋村、大井村、英邱村、龙耳村
黄志坚|广东粤西南律师事务所|13727438026|0|新村村、南山村、东岭村、后坑村
吴丽萍|广东粤西南律师事务所|15875914362|0|田头村、港口村、海滨社区、西连社区
""",
    "迈陈镇": """
梁国栋|广东徐闻正衡律师事务所|13680257714|1|迈陈村、东港村、青桐村
冯晓琪|广东徐闻正衡律师事务所|18933571205|0|那板村、迈埚村、西坡村
""",
}

PRINCIPALS = ("镇党委书记", "镇长")
LAWYERS_SINCE = datetime.date(2021, 1, 1)


def _rows(table):
    return [line.split("|") for line in table.strip().splitlines()]


def _dated_rows(table, year):
    """The ledger's rows with their date (first column) as a date, moved to `year` when given (and then only the
    days up to today: a demo has no future records)."""
    today = timezone.localdate()
    for day, *rest in _rows(table):
        day = datetime.date.fromisoformat(day)
        if year is None:
            yield day, *rest
        elif (moved := day.replace(year=year)) <= today:
            yield moved, *rest


def load(county):
    today = timezone.localdate()
    for township in county.townships.filter(name__in=EVENTS):
        law_seed_defaults(township=township)
        staff = User.objects.filter(township=township, role=Role.STAFF).first()
        lawyers = _load_lawyers(township, staff)
        for year in (None, *(y for y in (today.year - 1, today.year) if y > LAWYERS_SINCE.year)):
            _load_events(township, staff, lawyers, year)
            _load_studies(township, staff, year)


def _load_lawyers(township, staff):
    lawyers = {}
    for name, firm, phone, adviser, village_names in _rows(LAWYERS[township.name]):
        lawyer, _ = Lawyer.objects.update_or_create(
            township=township, name=name, law_firm=firm,
            defaults={"phone": phone, "is_township_adviser": adviser == "1", "since": LAWYERS_SINCE,
                      "created_by": staff},
        )
        lawyer.villages.set(Village.objects.filter(township=township, name__in=village_names.split("、")))
        lawyers[name] = lawyer
    return lawyers


def _load_events(township, staff, lawyers, year):
    forms = {form.name: form for form in EventForm.objects.all()}
    villages = {village.name: village for village in township.villages.all()}
    for day, name, theme, key_date, form_names, place, village, audience, participants, materials, lawyer in (
        _dated_rows(EVENTS[township.name], year)
    ):
        event, _ = Event.objects.update_or_create(
            township=township, date=day, name=name,
            defaults={
                "theme": theme, "key_date": key_date, "place": place, "village": villages.get(village),
                "organiser": f"{township.name}人民政府", "audience": audience, "participants": int(participants),
                "materials": int(materials), "lawyer": lawyers.get(lawyer), "created_by": staff,
            },
        )
        event.forms.set([forms[form_name] for form_name in form_names.split("、")])


def _load_studies(township, staff, year):
    laws = {law.name: law for law in Law.objects.filter(township=township)}
    for day, form, topic, law_names, speaker, chair, attendees, hours in _dated_rows(STUDIES[township.name], year):
        study, _ = Study.objects.update_or_create(
            township=township, date=day, form=form,
            defaults={
                "topic": topic, "speaker": speaker, "chair": chair, "chaired_by_principal": chair in PRINCIPALS,
                "attendees": int(attendees), "hours": Decimal(hours), "created_by": staff,
            },
        )
        study.laws.set([laws[law_name] for law_name in law_names.split("、")])
