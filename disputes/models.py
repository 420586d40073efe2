"""矛盾纠纷 (the 综治中心's dispute ledger) and 12345 工单 (hotline tickets), with the tables an administrator edits:
dispute categories per county, SLA working days per 诉求类型, and calendar days.

Natural keys (for the ledger importer): a dispute is (township, case_number), a ticket (township, ticket_number).
Each state change is kept in a step row (DisputeStep, TicketStep) dated and signed; the record itself carries the
dates the figures need (resolved_on, closed_at…) so that the statistics stay single queries.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from xilian.audit import audit_seeded
from xilian.models import County, Township, TownshipRecord, User, Village
from xilian.phones import MASKED_PHONE, mask_phone
from xilian.validators import is_plausible_date, plausible_years, validate_plausible_date

DEFAULT_DISPUTE_CATEGORIES = [
    "婚姻家庭继承", "邻里", "房屋宅基地", "山林土地承包经营权", "征地拆迁", "道路规划", "损害赔偿", "合同", "劳动争议",
    "村务管理", "环境保护", "交通事故", "医患", "物业", "其他",
]


class DisputeCategory(models.Model):
    """纠纷类型: a county's list (人民调解 statistics), edited by the system administrator for the county."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="dispute_categories",
                               verbose_name="所属县")
    name = models.CharField("纠纷类型", max_length=30)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True, help_text="停用后不能再选，已有记录不受影响。")

    class Meta:
        verbose_name = verbose_name_plural = "纠纷类型"
        ordering = ["county", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="dispute_category_unique_in_county")]

    def __str__(self):
        return self.name


def seed_dispute_categories(county):
    """The standard categories a county does not have yet, audited as the system's."""
    created = []
    for order, name in enumerate(DEFAULT_DISPUTE_CATEGORIES, start=1):
        category, is_new = DisputeCategory.objects.get_or_create(county=county, name=name, defaults={"order": order})
        if is_new:
            created.append(category)
    audit_seeded(created)


class RequestType(models.TextChoices):
    CONSULTATION = "consultation", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"


DEFAULT_SLA_DAYS = {
    RequestType.CONSULTATION: 2, RequestType.HELP: 10, RequestType.SUGGESTION: 10,
    RequestType.COMPLAINT: 15, RequestType.REPORT: 15,
}


class SlaRule(models.Model):
    """办理时限: working days a ticket of each 诉求类型 has (Guangdong defaults seeded by the migration)."""

    request_type = models.CharField("诉求类型", max_length=20, choices=RequestType.choices, unique=True)
    working_days = models.PositiveSmallIntegerField("办理时限（工作日）", validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = verbose_name_plural = "办理时限"
        ordering = ["working_days", "request_type"]

    def __str__(self):
        return f"{self.get_request_type_display()}：{self.working_days}个工作日"


def sla_table():
    """{request type: working days}: the table, with the defaults for a type nobody entered."""
    return {**DEFAULT_SLA_DAYS, **dict(SlaRule.objects.values_list("request_type", "working_days"))}


class CalendarDay(models.Model):
    """A day whose status the administrator sets (a newly announced year, a correction): it overrides the
    official calendar package."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("上班", help_text="勾选：该日上班（如调休的周末）；不勾选：该日放假。")
    note = models.CharField("说明", max_length=50, blank=True, help_text="例如：国庆节、国庆调休上班")

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '放假'} {self.note}".strip()


def _village_in_township(record):
    if record.village_id and record.township_id and record.village.township_id != record.township_id:
        raise ValidationError({"village": "该村（社区）不属于本镇。"})


class RiskLevel(models.TextChoices):
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


CASE_YEAR = re.compile(r"[（(〔\[［]\s*(\d{4})\s*[）)〕\]］]")
CASE_SERIAL = re.compile(r"(\d+)\s*号")
MAX_CASE_SERIAL = 999_999


def case_number_sort_key(case_number):
    """（2021）西连调字第118号 → 2021000118: year then serial as numbers, so 第99号 comes before 第118号. A case
    number without a bracketed year or a 第…号 serial counts 0 for the missing part."""
    year = CASE_YEAR.search(case_number)
    serials = CASE_SERIAL.findall(case_number)
    serial = min(int(serials[-1]), MAX_CASE_SERIAL) if serials else 0
    return (int(year.group(1)) if year else 0) * (MAX_CASE_SERIAL + 1) + serial


class Dispute(TownshipRecord):
    class State(models.TextChoices):
        REGISTERED = "registered", "登记"
        MEDIATING = "mediating", "调解中"
        TRANSFERRED = "transferred", "已流转"
        RESOLVED = "resolved", "已化解"
        UNRESOLVED = "unresolved", "未化解（引导诉讼、仲裁）"
        CLOSED = "closed", "回访结案"

    class ResolutionMethod(models.TextChoices):
        PEOPLE_MEDIATION = "people", "人民调解"
        ADMINISTRATIVE_MEDIATION = "administrative", "行政调解"
        JUDICIAL_CONFIRMATION = "judicial", "司法确认"
        TRANSFER = "transfer", "移交"

    OPEN_STATES = (State.REGISTERED, State.MEDIATING, State.TRANSFERRED)
    NEXT_STATES = {
        State.REGISTERED: (State.MEDIATING, State.TRANSFERRED, State.RESOLVED, State.UNRESOLVED),
        State.MEDIATING: (State.TRANSFERRED, State.RESOLVED, State.UNRESOLVED),
        State.TRANSFERRED: (State.MEDIATING, State.RESOLVED, State.UNRESOLVED),
        State.RESOLVED: (State.CLOSED,),
        State.UNRESOLVED: (State.CLOSED,),
        State.CLOSED: (),
    }

    case_number = models.CharField("案件编号", max_length=50, help_text="一案一码，例如（2021）西连调字第1号")
    case_sort = models.PositiveBigIntegerField("案件编号排序键", default=0, editable=False)
    received_on = models.DateField("受理日期", validators=[validate_plausible_date])
    category = models.ForeignKey(DisputeCategory, on_delete=models.PROTECT, related_name="+", verbose_name="纠纷类型")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="所属村（社区）")
    parties = models.CharField("当事人", max_length=200)
    people_involved = models.PositiveIntegerField("涉及人数", default=2, validators=[MinValueValidator(1)])
    summary = models.TextField("纠纷简要情况")
    mediation_body = models.CharField("调解组织", max_length=100, blank=True)
    mediator = models.CharField("调解员", max_length=50, blank=True)
    lead_official = models.CharField("包案领导", max_length=50, blank=True)
    risk_level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.REGISTERED)
    resolved_on = models.DateField("化解日期", null=True, blank=True, validators=[validate_plausible_date])
    resolution_method = models.CharField("化解方式", max_length=20, choices=ResolutionMethod.choices, blank=True)
    follow_up = models.CharField("回访情况", max_length=200, blank=True)
    transferred_to = models.CharField("流转至（单位）", max_length=100, blank=True)
    remarks = models.CharField("备注", max_length=200, blank=True)

    personal_fields = ("parties", "summary", "follow_up")  # the audit log records that they changed, not values

    class Meta:
        verbose_name = verbose_name_plural = "矛盾纠纷"
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "case_number"], name="dispute_case_number_unique"),
        ]
        # The figures, charts and the 工作台's cards read a township's active disputes by receipt date, and its
        # open ones (long-open disputes).
        indexes = [
            models.Index(fields=["township", "received_on"], condition=models.Q(voided_at__isnull=True),
                         name="dispute_active_received"),
            models.Index(fields=["township", "state", "received_on"], condition=models.Q(voided_at__isnull=True),
                         name="dispute_active_state"),
        ]

    audit_exclude = ("case_sort",)  # derived from case_number

    def __str__(self):
        return self.case_number

    def save(self, *args, **kwargs):
        self.case_sort = case_number_sort_key(self.case_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "case_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "case_sort"}
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    @property
    def is_resolved(self):
        return self.resolved_on is not None

    def clean(self):
        _village_in_township(self)
        if self.category_id and self.township_id and self.category.county_id != self.township.county_id:
            raise ValidationError({"category": "该纠纷类型不属于本县的类型表。"})
        errors = {**self._closing_step_errors(), **self._resolution_errors()}
        if errors:
            raise ValidationError(errors)

    def _closing_step_errors(self):
        """A closing state needs what it claims (化解 needs its date and way: `_resolution_errors`)."""
        errors = {}
        if self.state == self.State.CLOSED and not self.follow_up.strip():
            errors["follow_up"] = "回访结案必须填写回访情况。"
        if self.state == self.State.TRANSFERRED and not self.transferred_to.strip():
            errors["transferred_to"] = "流转必须填写流转至的单位。"
        return errors

    def _resolution_errors(self):
        errors = {}
        claims_resolution = self.resolved_on or self.resolution_method
        if self.state not in (self.State.RESOLVED, self.State.CLOSED) and claims_resolution:
            for name in ("resolved_on", "resolution_method"):
                if getattr(self, name):
                    label = self._meta.get_field(name).verbose_name
                    errors[name] = f"状态为“{self.get_state_display()}”的纠纷不能有{label}。"
        elif self.state == self.State.RESOLVED or claims_resolution:  # 回访结案 may follow 未化解: then neither
            if not self.resolved_on:
                errors["resolved_on"] = "已化解的纠纷必须填写化解日期。"
            if not self.resolution_method:
                errors["resolution_method"] = "已化解的纠纷必须选择化解方式。"
        if self.resolved_on and self.received_on and self.resolved_on < self.received_on:
            errors["resolved_on"] = "化解日期不能早于受理日期。"
        if self.resolved_on and self.resolved_on > timezone.localdate():
            errors["resolved_on"] = "化解日期不能晚于今天。"
        return errors


class DisputeStep(models.Model):
    """One state change of a dispute: to which state, on which day, recorded by whom. An import's step and a
    correction's note are kept as steps too, but only state changes date the dispute's course."""

    class Kind(models.TextChoices):
        STATE_CHANGE = "state_change", "状态变更"
        IMPORT = "import", "导入"
        CORRECTION = "correction", "更正"

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="steps", verbose_name="纠纷")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.STATE_CHANGE)
    state = models.CharField("状态", max_length=20, choices=Dispute.State.choices)
    happened_on = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name="办理人")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "纠纷办理步骤"
        ordering = ["happened_on", "recorded_at", "pk"]

    def __str__(self):
        return f"{self.happened_on:%Y-%m-%d} {self.get_state_display()}"


@dataclass(frozen=True)
class DatedStep:
    """One dated point of a dispute's course: a state-change step, or a date the dispute carries without one (an
    imported 受理 or 化解). `carries`: the dispute's field that holds the same date."""

    label: str
    happened_on: date
    step: DisputeStep | None = None
    carries: str = ""


def dispute_course(dispute):
    """The dispute's dated course in the order it happened: 受理 first, 化解 before a 回访结案 that follows it."""
    steps = list(dispute.steps.filter(kind=DisputeStep.Kind.STATE_CHANGE).order_by("recorded_at", "pk"))
    carried = {Dispute.State.REGISTERED: "received_on", Dispute.State.RESOLVED: "resolved_on"}
    course = [DatedStep(s.get_state_display(), s.happened_on, s, carried.get(s.state, "")) for s in steps]
    if not any(point.carries == "received_on" for point in course):
        course.insert(0, DatedStep(Dispute.State.REGISTERED.label, dispute.received_on, carries="received_on"))
    if dispute.resolved_on and not any(point.carries == "resolved_on" for point in course):
        closing = next((i for i, s in enumerate(steps, start=1) if s.state == Dispute.State.CLOSED), len(course))
        course.insert(closing, DatedStep(Dispute.State.RESOLVED.label, dispute.resolved_on, carries="resolved_on"))
    return course


def dispute_step_problems(dispute, on_date, *, label="办理日期"):
    """Why a new step (or 化解日期) dated `on_date` cannot follow the dispute's course: [] when it can. The floor
    is the latest date of the course, 化解日期 included even when it is later than its step's 办理日期."""
    points = dispute_course(dispute)
    if dispute.resolved_on:
        points.append(DatedStep(Dispute.State.RESOLVED.label, dispute.resolved_on, carries="resolved_on"))
    last = max(reversed(points), key=lambda point: point.happened_on)
    if on_date < last.happened_on:
        return [_out_of_order(label, on_date, "早于上一步骤", last)]
    if on_date > timezone.localdate():
        return [f"{label}不能晚于今天。"]
    return []


def dispute_correction_problems(course, index, on_date):
    """Why the course's point `index` cannot be moved to `on_date`: it must stay between its neighbours."""
    if index > 0 and on_date < course[index - 1].happened_on:
        return [_out_of_order("更正后的日期", on_date, "早于上一步骤", course[index - 1])]
    if index + 1 < len(course) and on_date > course[index + 1].happened_on:
        return [_out_of_order("更正后的日期", on_date, "晚于下一步骤", course[index + 1])]
    if on_date > timezone.localdate():
        return ["更正后的日期不能晚于今天。"]
    return []


def _out_of_order(label, on_date, relation, point):
    return f"{label}（{on_date:%Y-%m-%d}）不能{relation}“{point.label}”的日期（{point.happened_on:%Y-%m-%d}）。"


class Satisfaction(models.TextChoices):
    """A 回访's result. NOT_SURVEYED is no result: the ticket has had no 回访 yet (the stored default)."""

    NOT_SURVEYED = "not_surveyed", "未回访"
    SATISFIED = "satisfied", "满意"
    FAIRLY_SATISFIED = "fairly_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNREACHABLE = "unreachable", "联系不上"
    REFUSED = "refused", "拒绝回访"


class SurveyMethod(models.TextChoices):
    PHONE = "phone", "电话"
    VISIT = "visit", "上门"
    SMS = "sms", "短信"


class Ticket(TownshipRecord):
    class State(models.TextChoices):
        RECEIVED = "received", "待签收"
        SIGNED = "signed", "办理中"
        RETURNED = "returned", "已退单"
        CLOSED = "closed", "已办结"

    class Channel(models.TextChoices):
        PHONE = "phone", "电话"
        WEBSITE = "website", "网站"
        WECHAT = "wechat", "微信"
        MINI_PROGRAM = "mini_program", "小程序"
        SMS = "sms", "短信"
        OTHER = "other", "其他"

    class Subject(models.TextChoices):
        """The usual 事项分类, offered in the form; the field keeps any text, since each platform has its own."""

        SOCIAL_SECURITY = "社会保障"
        AGRICULTURE = "农业农村"
        CONSTRUCTION = "城乡建设"
        ENVIRONMENT = "环境保护"
        MARKET = "市场监管"
        PUBLIC_SECURITY = "治安管理"
        TRANSPORT = "交通运输"
        EDUCATION_HEALTH = "教育卫生"
        OTHER = "其他"

    OPEN_STATES = (State.RECEIVED, State.SIGNED)
    NEXT_STATES = {
        State.RECEIVED: (State.SIGNED, State.RETURNED, State.CLOSED),
        State.SIGNED: (State.RETURNED, State.CLOSED),
        State.RETURNED: (),
        State.CLOSED: (),
    }

    ticket_number = models.CharField("工单编号", max_length=40)
    received_at = models.DateTimeField("受理时间", validators=[validate_plausible_date])
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices, default=Channel.PHONE)
    request_type = models.CharField("诉求类型", max_length=20, choices=RequestType.choices)
    subject = models.CharField("事项分类", max_length=30, default=Subject.OTHER)
    title = models.CharField("诉求标题", max_length=100)
    content = models.TextField("诉求内容")
    caller_name = models.CharField("诉求人", max_length=50, blank=True)
    caller_phone = models.CharField(
        "联系电话", max_length=11, blank=True, help_text="只保存遮蔽后的号码，例如 139****6138。",
        validators=[RegexValidator(MASKED_PHONE, "联系电话只能以遮蔽形式保存，例如 139****6138。")],
    )
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="所属村（社区）")
    handling_unit = models.CharField("承办单位", max_length=100, blank=True)
    deadline = models.DateField("办理时限", validators=[validate_plausible_date])
    deadline_given = models.BooleanField("办理时限由平台给定", default=False,
                                         help_text="否：按诉求类型的工作日时限自动计算。")
    extended_deadline = models.DateField("延期后时限", null=True, blank=True, validators=[validate_plausible_date])
    extension_reason = models.CharField("延期原因", max_length=200, blank=True)
    extension_granted_by = models.CharField("批准单位/文号或批准人", max_length=100, blank=True,
                                            help_text="延期由12345平台批准，例如：县12345热线办 延字〔2021〕15号")
    extension_applied_on = models.DateField("申请延期日期", null=True, blank=True,
                                            validators=[validate_plausible_date],
                                            help_text="须在办理时限届满前申请；已逾期的工单不能延期。")
    state = models.CharField("工单状态", max_length=20, choices=State.choices, default=State.RECEIVED)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True, validators=[validate_plausible_date])
    returned_at = models.DateTimeField("退单时间", null=True, blank=True, validators=[validate_plausible_date])
    return_reason = models.CharField("退单原因", max_length=200, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, validators=[validate_plausible_date])
    reply = models.TextField("答复内容", blank=True)
    satisfaction = models.CharField("回访满意度", max_length=20, choices=Satisfaction.choices,
                                    default=Satisfaction.NOT_SURVEYED)
    survey_method = models.CharField("回访方式", max_length=10, choices=SurveyMethod.choices, blank=True)
    surveyed_at = models.DateTimeField("回访时间", null=True, blank=True, validators=[validate_plausible_date])

    # The audit log records that these changed, never their values. The title stays in the log (and in the
    # record's name): the county office reads it in every township's list too.
    personal_fields = ("caller_name", "caller_phone", "content", "reply")

    class Meta:
        verbose_name = verbose_name_plural = "12345工单"
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["township", "ticket_number"], name="ticket_number_unique"),
        ]
        # As for disputes: by receipt time for the figures and charts, by state for the open (overdue) ones.
        indexes = [
            models.Index(fields=["township", "received_at"], condition=models.Q(voided_at__isnull=True),
                         name="ticket_active_received"),
            models.Index(fields=["township", "state", "deadline"], condition=models.Q(voided_at__isnull=True),
                         name="ticket_active_state"),
        ]

    def __str__(self):
        return f"{self.ticket_number} {self.title}"

    @property
    def due(self):
        """The deadline in force: the extended one when an extension was recorded."""
        return self.extended_deadline or self.deadline

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    def is_overdue(self, today=None):
        return self.is_open and self.due is not None and self.due < (today or timezone.localdate())

    @property
    def on_time_deadline(self):
        """The day a closure is measured against: the deadline in force, except after an extension applied for
        when the ticket was already overdue (only older records can have one), which does not excuse the delay.
        The selectors' `on_time_by` annotation is the same rule in SQL."""
        if self.extension_applied_on and self.deadline and self.extension_applied_on > self.deadline:
            return self.deadline
        return self.due

    @property
    def closed_on_time(self):
        return self.closed_at is not None and timezone.localtime(self.closed_at).date() <= self.on_time_deadline

    def save(self, *args, **kwargs):
        self.caller_phone = mask_phone(self.caller_phone)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        """Mask the phone before the field validators see it, so an importer may pass the full number."""
        try:
            self.caller_phone = mask_phone(self.caller_phone)
        except ValidationError as error:
            raise ValidationError({"caller_phone": error.messages}) from None
        super().clean_fields(exclude=exclude)

    def clean(self):
        _village_in_township(self)
        self._clean_times()
        self._clean_state()

    # Each step's time and the earlier steps it may not precede, nearest first (受理 ≤ 签收 ≤ 办结/退单 ≤ 回访).
    STEP_ORDER = {
        "signed_at": ("received_at",),
        "returned_at": ("signed_at", "received_at"),
        "closed_at": ("signed_at", "received_at"),
        "surveyed_at": ("closed_at",),
    }

    def _label_and_time(self, name):
        return f"{self._meta.get_field(name).verbose_name}（{timezone.localtime(getattr(self, name)):%Y-%m-%d %H:%M}）"

    def _plausible_times(self):
        """{step time: its value, None when empty or implausible} — the years looked up once (an import checks
        every row)."""
        years = plausible_years()
        times = {name: getattr(self, name) for name in ("received_at", *self.STEP_ORDER)}
        return {name: moment if moment and is_plausible_date(moment, years) else None for name, moment in times.items()}

    def _clean_times(self):
        """Compares only plausible times: an implausible one has its own field error already (clean_fields), and
        comparing it across time zones could overflow."""
        errors = {}
        now = timezone.now()
        plausible = self._plausible_times()
        for name, earlier_names in self.STEP_ORDER.items():
            moment = plausible[name]
            if not moment:
                continue
            earlier = next((e for e in earlier_names if plausible[e] and moment < plausible[e]), None)
            if earlier:
                errors[name] = f"{self._label_and_time(name)}不能早于{self._label_and_time(earlier)}。"
            elif moment > now:
                errors[name] = f"{self._meta.get_field(name).verbose_name}不能晚于现在。"
        received_at = plausible["received_at"]
        if received_at and received_at > now:
            errors["received_at"] = "受理时间不能晚于现在。"
        received = timezone.localtime(received_at).date() if received_at else None
        if self.deadline and received and self.deadline < received:
            errors["deadline"] = "办理时限不能早于受理时间。"
        errors.update(self._extension_errors(received))
        if errors:
            raise ValidationError(errors)

    def _extension_errors(self, received):
        """A 延期 is applied for before the deadline and granted by the platform, which the record names."""
        errors = {}
        if not self.extended_deadline:
            if self.extension_applied_on or self.extension_granted_by.strip():
                errors["extended_deadline"] = "填写了延期申请或批准，必须填写延期后时限。"
            return errors
        if self.deadline and self.extended_deadline <= self.deadline:
            errors["extended_deadline"] = "延期后时限应晚于原办理时限。"
        if not self.extension_reason.strip():
            errors["extension_reason"] = "延期必须填写原因。"
        if not self.extension_granted_by.strip():
            errors["extension_granted_by"] = "延期须经12345平台批准：请填写批准单位/文号或批准人。"
        applied_on = self.extension_applied_on
        if not applied_on:
            errors["extension_applied_on"] = "请填写申请延期日期。"
        elif message := self._applied_on_error(applied_on, received):
            errors["extension_applied_on"] = message
        return errors

    def _applied_on_error(self, applied_on, received):
        if not is_plausible_date(applied_on):
            return None  # it has its own field error
        if self.deadline and applied_on > self.deadline:
            return (f"申请延期日期（{applied_on:%Y-%m-%d}）晚于办理时限（{self.deadline:%Y-%m-%d}）："
                    "延期须在办理时限届满前申请，已逾期的工单不能延期。")
        if received and applied_on < received:
            return "申请延期日期不能早于受理时间。"
        if applied_on > timezone.localdate():
            return "申请延期日期不能晚于今天。"
        return None

    def _clean_state(self):
        errors = {}
        if self.state == self.State.CLOSED:
            if not self.closed_at:
                errors["closed_at"] = "已办结的工单必须填写办结时间。"
        elif self.closed_at:
            errors["closed_at"] = "未办结的工单不能有办结时间。"
        if self.state == self.State.RETURNED and not self.return_reason.strip():
            errors["return_reason"] = "退单必须填写原因。"
        if self.satisfaction != Satisfaction.NOT_SURVEYED and self.state != self.State.CLOSED:
            errors["satisfaction"] = "工单办结后才能回访满意度。"
        if self.satisfaction == Satisfaction.NOT_SURVEYED:
            for name in ("survey_method", "surveyed_at"):
                if getattr(self, name):
                    errors[name] = f"未回访的工单不能有{self._meta.get_field(name).verbose_name}。"
        if errors:
            raise ValidationError(errors)


class TicketStep(models.Model):
    """One step of a ticket's life (受理, 签收, 延期, 退单, 办结, 回访), dated and signed; a 更正 records a corrected
    step time (old → new, and why)."""

    class Action(models.TextChoices):
        RECEIVE = "receive", "受理"
        SIGN = "sign", "签收"
        EXTEND = "extend", "延期"
        RETURN = "return", "退单"
        CLOSE = "close", "办结"
        SURVEY = "survey", "回访"
        CORRECT = "correct", "更正"
        IMPORT = "import", "导入"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="steps", verbose_name="工单")
    action = models.CharField("环节", max_length=20, choices=Action.choices)
    happened_at = models.DateTimeField("时间")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name="办理人")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "工单办理步骤"
        ordering = ["happened_at", "recorded_at", "pk"]

    def __str__(self):
        return f"{self.happened_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


def ticket_deadline(received_at, request_type, *, sla, calendar):
    """办理时限: `sla[request_type]` working days after the day of receipt (a pure function: pass the SLA table and
    a loaded WorkCalendar)."""
    return calendar.add_working_days(calendar.local_day(received_at), sla[request_type])



class HandlingNote(models.Model):
    """办理记录: what was done between the formal steps of a ticket or a dispute (a call, a site visit, a 协调会),
    dated and signed. It belongs to exactly one ticket or one dispute."""

    class Kind(models.TextChoices):
        PHONE = "phone", "电话联系"
        SITE_VISIT = "site_visit", "现场核查"
        MEETING = "meeting", "协调会"
        HOME_VISIT = "home_visit", "走访"
        OTHER = "other", "其他"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="notes",
                               verbose_name="工单")
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, null=True, blank=True, related_name="notes",
                                verbose_name="纠纷")
    happened_at = models.DateTimeField("时间", validators=[validate_plausible_date])
    kind = models.CharField("方式", max_length=20, choices=Kind.choices, default=Kind.PHONE)
    text = models.CharField("办理情况", max_length=500)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["happened_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ticket__isnull=False, dispute__isnull=True)
                | models.Q(ticket__isnull=True, dispute__isnull=False),
                name="handling_note_of_one_record",
            ),
        ]

    def __str__(self):
        return f"{self.happened_at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def record(self):
        return self.ticket or self.dispute

    def clean(self):
        record = self.record
        if record is None or not self.happened_at:
            return
        started = record.received_at if self.ticket_id else None
        if started is not None and self.happened_at < started:
            raise ValidationError({"happened_at": f"办理记录的时间不能早于受理时间 "
                                                  f"{timezone.localtime(started):%Y-%m-%d %H:%M}。"})
        if self.dispute_id and timezone.localtime(self.happened_at).date() < record.received_on:
            raise ValidationError({"happened_at": f"办理记录的时间不能早于受理日期 {record.received_on:%Y-%m-%d}。"})
        if self.happened_at > timezone.now():
            raise ValidationError({"happened_at": "办理记录的时间不能晚于现在。"})


LONG_OPEN_DAYS = 30
INSTRUCTION_MAX_LENGTH = 200


def supervision_refusal(record, today=None):
    """Why a leader cannot 督办 `record` (a ticket or a dispute) on `today`, in words for them; None when they can:
    only an overdue ticket or a dispute open longer than LONG_OPEN_DAYS days."""
    today = today or timezone.localdate()
    if record.is_voided:
        return "该记录已作废，不能督办。"
    if isinstance(record, Ticket):
        if not record.is_open:
            return f"该工单状态为“{record.get_state_display()}”，不能督办。"
        if not record.is_overdue(today):
            return f"只能督办已逾期的工单：该工单的办理时限为{record.due:%Y年%-m月%-d日}，尚未逾期。"
        return None
    if not record.is_open:
        return f"该纠纷状态为“{record.get_state_display()}”，不能督办。"
    if (today - record.received_on).days <= LONG_OPEN_DAYS:
        return (f"只能督办受理超过{LONG_OPEN_DAYS}日仍未化解的纠纷：该纠纷受理于"
                f"{record.received_on:%Y年%-m月%-d日}。")
    return None


class Supervision(models.Model):
    """督办: a leader's short 批示 on an overdue ticket or a long-open dispute of their township, dated and signed.
    It stays open until the record moves on: that is derived (selectors.supervisions_with_status), never stored,
    because a stored flag would have to be closed by every path that moves a record (services, imports, admin)
    and would drift from the one that forgot."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="所属镇")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="supervisions", verbose_name="工单")
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="supervisions", verbose_name="纠纷")
    instruction = models.CharField("批示", max_length=INSTRUCTION_MAX_LENGTH)
    state = models.CharField("督办时状态", max_length=20)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="督办人")
    issued_at = models.DateTimeField("督办时间", default=timezone.now)

    objects = ScopedManager(township="township")

    class Meta:
        verbose_name = verbose_name_plural = "督办"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ticket__isnull=False, dispute__isnull=True)
                | models.Q(ticket__isnull=True, dispute__isnull=False),
                name="supervision_of_one_record",
            ),
        ]

    def __str__(self):
        return f"督办 {self.record}"

    @property
    def record(self):
        return self.ticket or self.dispute

    @property
    def state_label(self):
        """The record's state when the 督办 was given, in words."""
        return type(self.record).State(self.state).label

    def clean(self):
        self.instruction = self.instruction.strip()
        if not self.instruction:
            raise ValidationError({"instruction": "请填写批示。"})
        if refusal := supervision_refusal(self.record, timezone.localdate(self.issued_at)):
            raise ValidationError(refusal)
