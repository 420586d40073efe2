"""The 矛盾纠纷 ledger and the 12345 platform's 工单 export as importable/exportable ledgers (xilian.ledger).
Natural keys: 案件编号 and 工单编号, each unique within the township."""

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from import_export.fields import Field

from disputes.forms import DisputeFilterForm, TicketFilterForm
from disputes.models import (
    Dispute,
    DisputeCategory,
    DisputeStep,
    RequestType,
    RiskLevel,
    Satisfaction,
    SurveyMethod,
    Ticket,
    TicketStep,
    case_number_sort_key,
    sla_table,
)
from disputes.selectors import dispute_filtered, dispute_years, ticket_filtered, ticket_years
from disputes.workdays import WorkCalendar
from xilian.ledger.bulk import insert_rows
from xilian.ledger.resources import LedgerResource
from xilian.ledger.widgets import (
    ChoiceWidget,
    DateTimeWidget,
    IntegerWidget,
    LookupWidget,
    MaskedPhoneWidget,
    TextWidget,
    VillageWidget,
)
from xilian.validators import is_plausible_date

TICKET_STATE_SYNONYMS = {
    "办结": Ticket.State.CLOSED,
    "已归档": Ticket.State.CLOSED,
    "归档": Ticket.State.CLOSED,
    "已回访": Ticket.State.CLOSED,
    "已完成": Ticket.State.CLOSED,
    "已答复": Ticket.State.CLOSED,
    "处理中": Ticket.State.SIGNED,
    "已签收": Ticket.State.SIGNED,
    "延期中": Ticket.State.SIGNED,
    "已延期": Ticket.State.SIGNED,
    "待受理": Ticket.State.RECEIVED,
    "已受理": Ticket.State.RECEIVED,
    "待办理": Ticket.State.RECEIVED,
    "退单": Ticket.State.RETURNED,
    "已退回": Ticket.State.RETURNED,
}
SATISFACTION_SYNONYMS = {
    "非常满意": Satisfaction.SATISFIED,
    "比较满意": Satisfaction.FAIRLY_SATISFIED,
    "一般": Satisfaction.FAIRLY_SATISFIED,
    "很不满意": Satisfaction.DISSATISFIED,
    "不回访": Satisfaction.NOT_SURVEYED,
    "无需回访": Satisfaction.NOT_SURVEYED,
}
DISPUTE_STATE_SYNONYMS = {
    "化解中": Dispute.State.MEDIATING,
    "正在调解": Dispute.State.MEDIATING,
    "办理中": Dispute.State.MEDIATING,
    "调处中": Dispute.State.MEDIATING,
    "已登记": Dispute.State.REGISTERED,
    "受理": Dispute.State.REGISTERED,
    "已受理": Dispute.State.REGISTERED,
    "移交": Dispute.State.TRANSFERRED,
    "已移交": Dispute.State.TRANSFERRED,
    "未化解": Dispute.State.UNRESOLVED,
    "结案": Dispute.State.CLOSED,
    "已结案": Dispute.State.CLOSED,
    "已办结": Dispute.State.RESOLVED,
    "调解成功": Dispute.State.RESOLVED,
}
RESOLUTION_SYNONYMS = {
    "调解": Dispute.ResolutionMethod.PEOPLE_MEDIATION,
    "人民调解委员会调解": Dispute.ResolutionMethod.PEOPLE_MEDIATION,
    "已移交": Dispute.ResolutionMethod.TRANSFER,
}
CATEGORY_SYNONYMS = {
    "涉农涉土": "山林土地承包经营权",
    "土地纠纷": "山林土地承包经营权",
    "家庭": "婚姻家庭继承",
    "婚姻家庭": "婚姻家庭继承",
    "邻里纠纷": "邻里",
    "宅基地": "房屋宅基地",
    "劳资": "劳动争议",
}


class _Channel(ChoiceWidget):
    """Platforms name many channels (粤省事, 政务服务网…): a channel we do not list is kept as 其他, not refused."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            return Ticket.Channel.OTHER


def _import_note(state_label, source):
    return f"导入：{state_label}" + (f"（{source}）" if source else "")


class TicketResource(LedgerResource):
    kind = "tickets"
    title = "12345工单"
    list_url_name = "disputes:ticket_list"
    key = ("ticket_number",)
    key_label = "工单编号"
    private_columns = ("诉求人",)
    new_record_defaults = {"state": Ticket.State.RECEIVED}
    header_aliases = {
        "受理时间": ("派单时间", "登记时间"),
        "诉求人": ("来电人", "姓名"),
        "联系电话": ("来电号码", "电话"),
        "所属村（社区）": ("村（社区）", "所属村", "所属社区"),
        "答复内容": ("办理结果", "答复意见"),
        "回访满意度": ("满意度", "回访结果"),
    }
    example_row = {
        "工单编号": "XW202101270001",
        "受理时间": "2021-01-27 14:54",
        "来源渠道": "电话",
        "诉求类型": "建议",
        "事项分类": "环境保护",
        "诉求标题": "垃圾清运不及时",
        "诉求内容": "迈谷村群众反映垃圾清运不及时。",
        "诉求人": "林某",
        "联系电话": "13900000000",
        "所属村（社区）": "迈谷村",
        "承办单位": "西连镇人民政府",
        "办理时限": "",
        "办结时间": "2021-02-03 10:00",
        "工单状态": "已办结",
        "回访满意度": "满意",
        "答复内容": "已协调环卫公司增加清运频次。",
    }
    suggested_values = {"事项分类": Ticket.Subject.values}

    ticket_number = Field(
        attribute="ticket_number", column_name="工单编号", widget=TextWidget(required=True, max_length=40)
    )
    received_at = Field(attribute="received_at", column_name="受理时间", widget=DateTimeWidget(required=True))
    channel = Field(
        attribute="channel",
        column_name="来源渠道",
        widget=_Channel(
            Ticket.Channel,
            default=Ticket.Channel.OTHER,
            synonyms={"12345热线": Ticket.Channel.PHONE, "热线电话": Ticket.Channel.PHONE},
        ),
    )
    request_type = Field(
        attribute="request_type", column_name="诉求类型", widget=ChoiceWidget(RequestType, required=True)
    )
    subject = Field(attribute="subject", column_name="事项分类", widget=TextWidget(max_length=30))
    request_title = Field(attribute="title", column_name="诉求标题", widget=TextWidget(required=True, max_length=100))
    content = Field(attribute="content", column_name="诉求内容", widget=TextWidget(required=True))
    caller_name = Field(attribute="caller_name", column_name="诉求人", widget=TextWidget(max_length=50))
    caller_phone = Field(attribute="caller_phone", column_name="联系电话", widget=MaskedPhoneWidget())
    village = Field(attribute="village", column_name="所属村（社区）", widget=VillageWidget())
    handling_unit = Field(attribute="handling_unit", column_name="承办单位", widget=TextWidget(max_length=100))
    deadline = Field(attribute="deadline", column_name="办理时限", widget=DateTimeWidget(date_only=True))
    closed_at = Field(attribute="closed_at", column_name="办结时间", widget=DateTimeWidget())
    state = Field(
        attribute="state",
        column_name="工单状态",
        widget=ChoiceWidget(Ticket.State, default="", synonyms=TICKET_STATE_SYNONYMS),
    )
    satisfaction = Field(
        attribute="satisfaction",
        column_name="回访满意度",
        widget=ChoiceWidget(Satisfaction, default=Satisfaction.NOT_SURVEYED, synonyms=SATISFACTION_SYNONYMS),
    )
    reply = Field(attribute="reply", column_name="答复内容", widget=TextWidget())
    # Export-only columns (readonly: an import does not read them), so an export holds all the detail page shows.
    # A ticket field the detail page gains is exported here, in the order the page shows it.
    signed_at = Field(attribute="signed_at", column_name="签收时间", widget=DateTimeWidget(), readonly=True)
    extended_deadline = Field(
        attribute="extended_deadline", column_name="延期后时限", widget=DateTimeWidget(date_only=True), readonly=True
    )
    extension_reason = Field(attribute="extension_reason", column_name="延期原因", widget=TextWidget(), readonly=True)
    extension_granted_by = Field(
        attribute="extension_granted_by", column_name="延期批准单位/文号或批准人", widget=TextWidget(), readonly=True
    )
    extension_applied_on = Field(
        attribute="extension_applied_on", column_name="申请延期日期", widget=DateTimeWidget(date_only=True),
        readonly=True,
    )
    survey_method = Field(
        attribute="survey_method", column_name="回访方式", widget=ChoiceWidget(SurveyMethod), readonly=True
    )
    surveyed_at = Field(attribute="surveyed_at", column_name="回访时间", widget=DateTimeWidget(), readonly=True)
    returned_at = Field(attribute="returned_at", column_name="退单时间", widget=DateTimeWidget(), readonly=True)
    return_reason = Field(attribute="return_reason", column_name="退单原因", widget=TextWidget(), readonly=True)

    class Meta:
        model = Ticket

    def __init__(self, township=None, *, private=True):
        super().__init__(township, private=private)
        self.sla = sla_table()
        self.calendar = WorkCalendar.load()

    def check_row(self, values):
        """Derived values only; the ticket's rules are the model's (checked for every row by the importer)."""
        values["subject"] = values.get("subject") or Ticket.Subject.OTHER
        if not values.get("state") and values.get("closed_at"):
            values["state"] = Ticket.State.CLOSED
        given = values.get("deadline")
        if not is_plausible_date(values["received_at"]):
            values["deadline"] = given or values["received_at"].date()  # refused with it: no working days from year 1
            return []
        computed = self.calendar.add_working_days(values["received_at"].date(), self.sla[values["request_type"]])
        # A deadline equal to the computed one (as the portal's own export writes it) is not one the platform gave.
        values["deadline_given"] = given is not None and given != computed
        values["deadline"] = given or computed
        return []

    def record_import_steps(self, *, moved, user, source):
        now = timezone.now()
        insert_rows(TicketStep, [
            {"ticket_id": ticket.pk, "action": TicketStep.Action.IMPORT, "happened_at": ticket.closed_at or now,
             "note": _import_note(ticket.get_state_display(), source), "recorded_by": user}
            for ticket, _ in moved
        ])

    def filter_queryset(self, queryset, params):
        form = TicketFilterForm(params, township=self.township, years=ticket_years(township=self.township))
        tickets = ticket_filtered(
            township=self.township, filters=form.values(), today=timezone.localdate(), calendar=self.calendar,
            with_callers=self.private,
        )
        return tickets.select_related("village")

    def detail_url(self, record):
        return reverse("disputes:ticket_detail", kwargs={"township": self.township, "pk": record.pk})


class DisputeResource(LedgerResource):
    kind = "disputes"
    title = "矛盾纠纷"
    list_url_name = "disputes:dispute_list"
    key = ("case_number",)
    key_label = "案件编号"
    private_columns = ("当事人",)
    new_record_defaults = {"state": Dispute.State.REGISTERED}
    header_aliases = {
        "所属村（社区）": ("村（社区）", "所属村"),
        "化解状态": ("状态", "办理状态"),
        "纠纷简要情况": ("简要情况", "纠纷情况"),
        "受理日期": ("登记日期", "受理时间"),
    }
    example_row = {
        "案件编号": "（2021）西连调字第1号",
        "受理日期": "2021-01-10",
        "纠纷类型": "邻里",
        "所属村（社区）": "东岭村",
        "当事人": "徐某、唐某",
        "涉及人数": 5,
        "纠纷简要情况": "徐某与唐某因排水沟走向发生纠纷。",
        "调解组织": "东岭村人民调解委员会",
        "调解员": "杨荣德",
        "包案领导": "",
        "风险等级": "低",
        "化解状态": "已化解",
        "化解日期": "2021-01-23",
        "化解方式": "人民调解",
        "备注": "",
    }

    case_number = Field(
        attribute="case_number", column_name="案件编号", widget=TextWidget(required=True, max_length=50)
    )
    received_on = Field(
        attribute="received_on", column_name="受理日期", widget=DateTimeWidget(required=True, date_only=True)
    )
    category = Field(
        attribute="category",
        column_name="纠纷类型",
        widget=LookupWidget("纠纷类型", required=True, synonyms=CATEGORY_SYNONYMS),
    )
    village = Field(attribute="village", column_name="所属村（社区）", widget=VillageWidget())
    parties = Field(attribute="parties", column_name="当事人", widget=TextWidget(required=True, max_length=200))
    people_involved = Field(attribute="people_involved", column_name="涉及人数", widget=IntegerWidget(minimum=1))
    summary = Field(attribute="summary", column_name="纠纷简要情况", widget=TextWidget(required=True))
    mediation_body = Field(attribute="mediation_body", column_name="调解组织", widget=TextWidget(max_length=100))
    mediator = Field(attribute="mediator", column_name="调解员", widget=TextWidget(max_length=50))
    lead_official = Field(attribute="lead_official", column_name="包案领导", widget=TextWidget(max_length=50))
    risk_level = Field(
        attribute="risk_level",
        column_name="风险等级",
        widget=ChoiceWidget(
            RiskLevel,
            default=RiskLevel.LOW,
            synonyms={
                "低风险": RiskLevel.LOW,
                "中风险": RiskLevel.MEDIUM,
                "高风险": RiskLevel.HIGH,
                "一般": RiskLevel.LOW,
                "较大": RiskLevel.MEDIUM,
                "重大": RiskLevel.HIGH,
            },
        ),
    )
    state = Field(
        attribute="state",
        column_name="化解状态",
        widget=ChoiceWidget(Dispute.State, default="", synonyms=DISPUTE_STATE_SYNONYMS),
    )
    resolved_on = Field(attribute="resolved_on", column_name="化解日期", widget=DateTimeWidget(date_only=True))
    resolution_method = Field(
        attribute="resolution_method",
        column_name="化解方式",
        widget=ChoiceWidget(Dispute.ResolutionMethod, default="", synonyms=RESOLUTION_SYNONYMS),
    )
    transferred_to = Field(attribute="transferred_to", column_name="流转至（单位）", widget=TextWidget(max_length=100))
    follow_up = Field(attribute="follow_up", column_name="回访情况", widget=TextWidget(max_length=200))
    remarks = Field(attribute="remarks", column_name="备注", widget=TextWidget(max_length=200))

    class Meta:
        model = Dispute

    def __init__(self, township=None, *, private=True):
        super().__init__(township, private=private)
        if township is not None:
            categories = DisputeCategory.objects.filter(county_id=township.county_id, is_active=True)
            self.fields["category"].widget.bind({c.name: c for c in categories})

    def check_row(self, values):
        """Derived values only; the dispute's rules are the model's (checked for every row by the importer)."""
        if values.get("people_involved") is None:
            values["people_involved"] = 2
        values["case_sort"] = case_number_sort_key(values["case_number"])
        return []

    def record_import_steps(self, *, moved, user, source):
        today = timezone.localdate()
        insert_rows(DisputeStep, [
            {"dispute_id": dispute.pk, "kind": DisputeStep.Kind.IMPORT, "state": dispute.state,
             "happened_on": dispute.resolved_on or today, "note": _import_note(dispute.get_state_display(), source),
             "recorded_by": user}
            for dispute, _ in moved
        ])

    def filter_queryset(self, queryset, params):
        form = DisputeFilterForm(params, township=self.township, years=dispute_years(township=self.township))
        disputes = dispute_filtered(township=self.township, filters=form.values(), with_names=self.private)
        return disputes.select_related("category", "village")

    def totals(self, queryset):
        return {"涉及人数": queryset.aggregate(total=Sum("people_involved"))["total"] or 0}

    def detail_url(self, record):
        return reverse("disputes:dispute_detail", kwargs={"township": self.township, "pk": record.pk})
