"""The 普法活动 and 学法 ledgers as importable/exportable ledgers (xilian.ledger).
Natural keys: an event is (活动日期, 活动名称), a study session (学习日期, 学习形式) — as in publicity.models."""

import re

from django.db.models import Sum
from django.urls import reverse
from import_export.fields import Field

from publicity.forms import EventFilterForm, StudyFilterForm
from publicity.models import Event, EventForm, KeyDate, Law, Study
from xilian.ledger.resources import LedgerResource
from xilian.ledger.widgets import (
    ChoiceWidget,
    DateTimeWidget,
    DecimalWidget,
    IntegerWidget,
    LookupWidget,
    TextWidget,
    VillageWidget,
    plain_text,
)

# A theme or name mentioning one of these marks the event as held for that key date.
KEY_DATE_PATTERNS = [
    (KeyDate.SECURITY_DAY, re.compile(r"4[·.．、]?15|国家安全")),
    (KeyDate.CIVIL_CODE_MONTH, re.compile(r"民法典宣传月")),
    (KeyDate.ANTI_DRUG_DAY, re.compile(r"6[·.．、]?26|禁毒")),
    (KeyDate.FIRE_SAFETY_DAY, re.compile(r"11[·.．、]?9|消防宣传")),
    (KeyDate.CONSTITUTION_DAY, re.compile(r"12[·.．、]?4|宪法日|宪法宣传周")),
]
# 学习形式 as ledgers write it: the first keyword found decides.
STUDY_FORM_KEYWORDS = [
    ("中心组", Study.Form.CENTRAL_GROUP),
    ("会前", Study.Form.BEFORE_MEETING),
    ("庭审", Study.Form.COURT_HEARING),
    ("考试", Study.Form.EXAM),
    ("测试", Study.Form.EXAM),
    ("讲座", Study.Form.LECTURE),
    ("集中", Study.Form.COLLECTIVE),
]
PRINCIPAL_TITLES = re.compile(r"(?<!副)(党委书记|镇长|书记)")


def key_date_of(*texts):
    joined = " ".join(texts)
    return next((key for key, pattern in KEY_DATE_PATTERNS if pattern.search(joined)), "")


class _StudyForm(ChoiceWidget):
    def clean(self, value, row=None, **kwargs):
        text = plain_text(value)
        for keyword, form in STUDY_FORM_KEYWORDS:
            if keyword in text:
                return form
        return super().clean(value, row, **kwargs)


def laws_mentioned(text, laws):
    """The township's laws a 学习内容 cell names, longest name first (so 土地管理法实施条例 is not also 土地管理法)."""
    remaining = text.replace("《", "").replace("》", "")
    found = []
    for law in sorted(laws, key=lambda law: len(law.name), reverse=True):
        name = law.name.replace("《", "").replace("》", "")
        if name and name in remaining:
            found.append(law)
            remaining = remaining.replace(name, "")
    return found


class EventResource(LedgerResource):
    kind = "events"
    title = "普法活动"
    list_url_name = "publicity:event_list"
    key = ("date", "name")
    key_label = "活动日期和活动名称"
    header_aliases = {
        "活动日期": ("日期", "宣传日期"),
        "主题": ("活动主题", "宣传主题"),
        "形式": ("活动形式", "宣传形式"),
        "所属村（社区）": ("村（社区）", "所属村"),
        "参与人数": ("参加人数", "受众人数"),
        "发放资料（份）": ("发放资料", "发放资料份数"),
    }
    example_row = {
        "活动日期": "2021-04-15",
        "活动名称": "全民国家安全教育日宣传",
        "主题": "4·15国家安全教育日",
        "形式": "街头宣传、横幅",
        "地点": "西连圩",
        "所属村（社区）": "西连社区",
        "主办单位": "西连镇人民政府",
        "参与人数": 320,
        "发放资料（份）": 1000,
        "备注": "",
    }

    date = Field(attribute="date", column_name="活动日期", widget=DateTimeWidget(required=True, date_only=True))
    name = Field(attribute="name", column_name="活动名称", widget=TextWidget(required=True, max_length=100))
    theme = Field(attribute="theme", column_name="主题", widget=TextWidget(max_length=100))
    forms = Field(attribute="forms", column_name="形式", widget=LookupWidget("活动形式", required=True, many=True))
    place = Field(attribute="place", column_name="地点", widget=TextWidget(max_length=100))
    village = Field(attribute="village", column_name="所属村（社区）", widget=VillageWidget())
    organiser = Field(attribute="organiser", column_name="主办单位", widget=TextWidget(max_length=100))
    participants = Field(attribute="participants", column_name="参与人数", widget=IntegerWidget(required=True))
    materials = Field(attribute="materials", column_name="发放资料（份）", widget=IntegerWidget())
    note = Field(attribute="note", column_name="备注", widget=TextWidget(max_length=200))
    # Export-only columns (readonly: an import does not read them), so an export holds all the detail page shows.
    key_date = Field(attribute="key_date", column_name="宣传节点", widget=ChoiceWidget(KeyDate), readonly=True)
    audience = Field(attribute="audience", column_name="宣传对象", widget=TextWidget(), readonly=True)
    lawyer = Field(column_name="参与律师", readonly=True)
    legal_helpers = Field(attribute="legal_helpers", column_name="法律明白人", widget=TextWidget(), readonly=True)
    news_links = Field(column_name="新闻链接", readonly=True)

    class Meta:
        model = Event

    def __init__(self, township=None, *, private=True):
        super().__init__(township, private=private)
        self.fields["forms"].widget.bind({form.name: form for form in EventForm.objects.all()})

    def check_row(self, values):
        values["theme"] = values.get("theme") or values["name"]
        values["key_date"] = key_date_of(values["theme"], values["name"])
        values["place"] = values.get("place") or (values["village"].name if values.get("village") else "全镇")
        values["organiser"] = values.get("organiser") or f"{self.township.name}人民政府"
        values["materials"] = values.get("materials") or 0
        return []

    def dehydrate_lawyer(self, event):
        return str(event.lawyer) if event.lawyer_id else ""

    def dehydrate_news_links(self, event):
        return "\n".join(event.news_link_list())

    def filter_queryset(self, queryset, params):
        form = EventFilterForm(params, township=self.township, years=_years(queryset))
        queryset = form.filter(queryset) if form.is_valid() else queryset
        return queryset.select_related("village", "lawyer").prefetch_related("forms")

    def totals(self, queryset):
        sums = queryset.aggregate(people=Sum("participants"), materials=Sum("materials"))
        return {"参与人数": sums["people"] or 0, "发放资料（份）": sums["materials"] or 0}

    def detail_url(self, record):
        return reverse("publicity:event_detail", kwargs={"township": self.township, "pk": record.pk})


class StudyResource(LedgerResource):
    kind = "studies"
    title = "学法记录"
    list_url_name = "publicity:study_list"
    key = ("date", "form")
    key_label = "学习日期和学习形式"
    header_aliases = {
        "学习日期": ("日期", "学法日期"),
        "学习形式": ("形式", "学法形式"),
        "参学人数": ("参加人数", "人数"),
    }
    example_row = {
        "学习日期": "2021-01-22",
        "学习形式": "党委理论学习中心组学法",
        "学习内容": "《中华人民共和国民法典》",
        "主讲人": "镇法律顾问",
        "主持人": "镇党委书记",
        "参学人数": 43,
        "学时": 2,
        "备注": "",
    }

    date = Field(attribute="date", column_name="学习日期", widget=DateTimeWidget(required=True, date_only=True))
    form = Field(attribute="form", column_name="学习形式", widget=_StudyForm(Study.Form, required=True))
    topic = Field(attribute="topic", column_name="学习内容", widget=TextWidget(required=True, max_length=200))
    speaker = Field(attribute="speaker", column_name="主讲人", widget=TextWidget(required=True, max_length=50))
    chair = Field(attribute="chair", column_name="主持人", widget=TextWidget(required=True, max_length=50))
    attendees = Field(attribute="attendees", column_name="参学人数", widget=IntegerWidget(required=True))
    hours = Field(attribute="hours", column_name="学时", widget=DecimalWidget(required=True))
    note = Field(attribute="note", column_name="备注", widget=TextWidget(max_length=200))

    class Meta:
        model = Study

    def __init__(self, township=None, *, private=True):
        super().__init__(township, private=private)
        self.laws = list(Law.objects.active().filter(township=township)) if township is not None else []

    def check_row(self, values):
        values["laws"] = laws_mentioned(values["topic"], self.laws)
        values["chaired_by_principal"] = bool(PRINCIPAL_TITLES.search(values["chair"]))
        return []

    def dehydrate_topic(self, study):
        return study.content()

    def filter_queryset(self, queryset, params):
        form = StudyFilterForm(params, township=self.township, years=_years(queryset))
        queryset = form.filter(queryset) if form.is_valid() else queryset
        return queryset.prefetch_related("laws")

    def totals(self, queryset):
        sums = queryset.aggregate(people=Sum("attendees"), hours=Sum("hours"))
        return {"参学人数": sums["people"] or 0, "学时": sums["hours"] or 0}

    def detail_url(self, record):
        return reverse("publicity:study_detail", kwargs={"township": self.township, "pk": record.pk})


def _years(queryset):
    return {d.year for d in queryset.dates("date", "year")}
