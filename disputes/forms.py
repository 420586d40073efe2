from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from disputes.models import (
    INSTRUCTION_MAX_LENGTH,
    Dispute,
    DisputeCategory,
    HandlingNote,
    RequestType,
    Satisfaction,
    Supervision,
    SurveyMethod,
    Ticket,
    TicketStep,
    dispute_correction_problems,
    dispute_course,
    dispute_step_problems,
    sla_table,
    ticket_deadline,
)
from disputes.selectors import dispute_next_case_number, township_short_name
from disputes.workdays import WorkCalendar
from xilian.forms import style_filter_fields
from xilian.models import Village
from xilian.phones import mask_phone
from xilian.records import VersionedModelForm
from xilian.validators import is_plausible_date

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"placeholder": "例如 2026/11/26 9:30", "inputmode": "numeric"},
                                     format="%Y-%m-%d %H:%M")
REQUIRED = {"required": "请填写此项。"}


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control")
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("rows", 3)
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = "请输入正确的日期。"
        if isinstance(field, forms.DateTimeField):
            field.error_messages["invalid"] = "请输入正确的日期和时间。"
        if field.required:
            field.error_messages["required"] = f"请填写{field.label}。"


class TypedDateTimeField(forms.DateTimeField):
    """A time as a clerk types it: 2026/11/26 9:30 as well as 2026-11-26 09:30 (and ISO, which Django reads)."""

    input_formats = ["%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _default_to_now(form, name):
    """The instance's own value is the form's initial one, even when empty: an empty time is offered as now."""
    if not form.is_bound and not getattr(form.instance, name):
        form.initial[name] = timezone.localtime().replace(second=0, microsecond=0)


class ModelErrorsShownMixin:
    """The ticket's clean() compares times across steps, so it may name a field the form does not show (a 签收
    time earlier than the corrected 受理 time): such an error is shown above the form instead of failing the page.
    `error_fields` moves a model field's errors onto a form field of another name."""

    error_fields = {}

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            shown = {}
            for name, messages in errors.error_dict.items():
                name = self.error_fields.get(name, name)
                if name in self.errors:
                    continue  # the form's own message (请填写…) says it already
                shown.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(messages)
            errors = ValidationError(shown)
        super()._update_errors(errors)


class TownshipRecordForm(VersionedModelForm):
    """A record form of one township: villages (and categories) limited to it; `unique_field` checked within it."""

    unique_field = None
    unique_message = ""

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.township = township
        self.instance.township = township
        if "village" in self.fields:
            self.fields["village"].queryset = Village.objects.filter(township=township)
            self.fields["village"].empty_label = "（全镇 / 不属于某村）"
        _style(self)

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get(self.unique_field)
        if value:
            others = type(self.instance).objects.filter(township=self.township, **{self.unique_field: value})
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error(self.unique_field, self.unique_message)
        return cleaned


class DisputeForm(TownshipRecordForm):
    unique_field = "case_number"
    unique_message = "本镇已有该案件编号的纠纷（一案一码）。"

    class Meta:
        model = Dispute
        fields = [
            "case_number", "received_on", "category", "village", "parties", "people_involved", "summary",
            "mediation_body", "mediator", "lead_official", "risk_level", "remarks",
        ]
        widgets = {"received_on": DATE_INPUT, "summary": forms.Textarea}

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, township=township, **kwargs)
        categories = DisputeCategory.objects.filter(county=township.county_id)
        current = self.instance.category_id
        self.fields["category"].queryset = categories.filter(is_active=True) | categories.filter(pk=current)
        self.fields["category"].empty_label = "请选择"
        self.fields["people_involved"].error_messages["min_value"] = "涉及人数至少为1。"
        year = timezone.localdate().year
        self.fields["case_number"].help_text = f"一案一码，例如（{year}）{township_short_name(township)}调字第1号。"
        if self.instance._state.adding:
            if not self.is_bound:
                self.initial.setdefault("case_number", dispute_next_case_number(township=township, year=year))
        else:
            self.fields["received_on"].disabled = True
            self.fields["received_on"].help_text = "受理日期有误时，请在纠纷页面用“更正日期”更正（留有更正记录）。"

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError("受理日期不能晚于今天。")
        return received_on


class DisputeStateForm(VersionedModelForm):
    """Move a dispute to one of the states its current state allows, dated, with a note. The fields a transition
    needs (TRANSITION_FIELDS) count only for that transition: those of the others are ignored."""

    TRANSITION_FIELDS = {
        Dispute.State.TRANSFERRED: ("transferred_to",),
        Dispute.State.RESOLVED: ("resolved_on", "resolution_method"),
        Dispute.State.CLOSED: ("follow_up",),
    }

    step_date = forms.DateField(label="办理日期", widget=DATE_INPUT)
    note = forms.CharField(label="说明", max_length=200, required=False)

    class Meta:
        model = Dispute
        fields = ["state", "transferred_to", "resolved_on", "resolution_method", "follow_up"]
        widgets = {"resolved_on": DATE_INPUT}
        labels = {"state": "变更为"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_state = self.instance.state
        allowed = Dispute.NEXT_STATES[Dispute.State(self.current_state)]
        self.fields["state"].choices = [(s.value, s.label) for s in allowed]
        self.fields["state"].initial = allowed[0] if allowed else None
        self.fields["step_date"].initial = timezone.localdate()
        self.fields["resolution_method"].choices = [("", "请选择")] + Dispute.ResolutionMethod.choices
        _style(self)

    def common_fields(self):
        return [self[name] for name in ("state", "step_date", "note")]

    def transition_fieldsets(self):
        """[(state, its label, its bound fields)] for the transitions the current state allows."""
        allowed = Dispute.NEXT_STATES[Dispute.State(self.current_state)]
        return [(state, state.label, [self[name] for name in names])
                for state, names in self.TRANSITION_FIELDS.items() if state in allowed]

    def clean_step_date(self):
        step_date = self.cleaned_data["step_date"]
        if step_date > timezone.localdate():
            raise ValidationError("办理日期不能晚于今天。")
        problems = dispute_step_problems(self.instance, step_date)
        if problems:
            raise ValidationError(problems)
        return step_date

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("state")
        for state, names in self.TRANSITION_FIELDS.items():
            if state != chosen:
                for name in names:
                    self.errors.pop(name, None)
                    cleaned[name] = getattr(self.instance, name)
        resolved_on = cleaned.get("resolved_on")
        if chosen == Dispute.State.RESOLVED and resolved_on:
            for problem in dispute_step_problems(self.instance, resolved_on, label="化解日期"):
                self.add_error("resolved_on", problem)
            cleaned["resolved_on"] = resolved_on  # given, though refused: the model need not call it missing
        return cleaned


class DisputeDateCorrectionForm(VersionedModelForm):
    """Correct the date of one point of a dispute's course, with the reason (the dispute keeps a 更正 step)."""

    point = forms.ChoiceField(label="更正哪一步骤")
    new_date = forms.DateField(label="更正后的日期", widget=DATE_INPUT)
    reason = forms.CharField(label="更正原因", max_length=120)

    class Meta:
        model = Dispute
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = dispute_course(self.instance)
        self.fields["point"].choices = [
            (self._key(point), f"{point.label} {point.happened_on:%Y-%m-%d}") for point in self.course
        ]
        _style(self)
        self.fields["reason"].error_messages["required"] = "请填写更正原因。"

    @staticmethod
    def _key(point):
        return f"step-{point.step.pk}" if point.step else point.carries

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("请填写更正原因。")
        return reason

    def clean(self):
        cleaned = super().clean()
        keys = [self._key(point) for point in self.course]
        new_date = cleaned.get("new_date")
        if cleaned.get("point") not in keys or not new_date:
            return cleaned
        self.index = keys.index(cleaned["point"])
        self.corrected = self.course[self.index]
        if new_date == self.corrected.happened_on:
            self.add_error("new_date", "更正后的日期与原日期相同。")
        for problem in dispute_correction_problems(self.course, self.index, new_date):
            self.add_error("new_date", problem)
        if self.corrected.carries:
            setattr(self.instance, self.corrected.carries, new_date)
        return cleaned

    def correction_note(self):
        point, new_date = self.corrected, self.cleaned_data["new_date"]
        return f"更正：{point.label} {point.happened_on:%Y-%m-%d} → {new_date:%Y-%m-%d}：{self.cleaned_data['reason']}"


class TicketForm(ModelErrorsShownMixin, TownshipRecordForm):
    unique_field = "ticket_number"
    unique_message = "本镇已有该工单编号的工单。"

    class Meta:
        model = Ticket
        fields = [
            "ticket_number", "received_at", "channel", "request_type", "subject", "title", "content", "caller_name",
            "caller_phone", "village", "handling_unit", "deadline",
        ]
        widgets = {"received_at": DATETIME_INPUT, "deadline": DATE_INPUT, "content": forms.Textarea}
        field_classes = {"received_at": TypedDateTimeField}
        help_texts = {
            "deadline": "平台已给定时限的照填；留空则按诉求类型的工作日时限（法定节假日、调休按国家安排）自动计算。",
            "caller_phone": "可输入完整号码，系统只保存遮蔽后的形式（如 139****6138）。",
        }

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, township=township, **kwargs)
        self.fields["deadline"].required = False
        _default_to_now(self, "received_at")
        if not self.instance._state.adding:  # corrected on record (更正时间), with the reason, not silently here
            self.fields["received_at"].disabled = True
            self.fields["received_at"].help_text = "受理时间有误的，请在工单页用“更正时间”更正并写明原因。"
        self.fields["request_type"].choices = [("", "请选择")] + RequestType.choices
        self.fields["subject"] = forms.ChoiceField(label="事项分类", choices=_subject_choices([self.instance.subject]))

    def clean_caller_phone(self):
        return mask_phone(self.cleaned_data["caller_phone"])

    def clean(self):
        cleaned = super().clean()
        received_at, request_type = cleaned.get("received_at"), cleaned.get("request_type")
        deadline = cleaned.get("deadline")
        computed_before = not self.instance._state.adding and not self.instance.deadline_given
        if computed_before and deadline == self.instance.deadline:
            deadline = None  # left as the computed value: recompute from the (possibly corrected) receipt
        if deadline:
            self.instance.deadline_given = True
        elif received_at and is_plausible_date(received_at) and request_type and "deadline" not in self.errors:
            cleaned["deadline"] = ticket_deadline(received_at, request_type, sla=sla_table(),
                                                  calendar=WorkCalendar.load())
            self.instance.deadline_given = False
        return cleaned


class TicketActionForm(ModelErrorsShownMixin, VersionedModelForm):
    """A step of a ticket's life: the states it may start from, the state it leads to, and the step's time."""

    action = None
    from_states = Ticket.OPEN_STATES
    to_state = None
    time_field = None
    note_field = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.time_field:
            self.fields[self.time_field] = TypedDateTimeField(label=self.fields[self.time_field].label,
                                                              widget=DATETIME_INPUT)
            _default_to_now(self, self.time_field)
        self.refused = self.refusal(self.instance)
        _style(self)

    @classmethod
    def refusal(cls, ticket):
        """Why this step cannot be taken on the ticket now, or None."""
        if ticket.state not in cls.from_states:
            return f"工单当前为“{ticket.get_state_display()}”，不能{cls.title}。"
        return None

    def clean(self):
        cleaned = super().clean()
        if self.refused:
            raise ValidationError(self.refused)
        if self.to_state:
            self.instance.state = self.to_state
        return cleaned

    def step_time(self):
        """The time the clerk gave, or now to the minute (as every time a clerk types is)."""
        if self.time_field:
            return self.cleaned_data[self.time_field]
        return timezone.now().replace(second=0, microsecond=0)

    def step_note(self):
        return self.cleaned_data.get(self.note_field, "") if self.note_field else ""


class TicketSignForm(TicketActionForm):
    action, title = TicketStep.Action.SIGN, "签收"
    from_states = (Ticket.State.RECEIVED,)
    to_state, time_field = Ticket.State.SIGNED, "signed_at"

    class Meta:
        model = Ticket
        fields = ["signed_at"]
        widgets = {"signed_at": DATETIME_INPUT}


class TicketExtendForm(TicketActionForm):
    action, title = TicketStep.Action.EXTEND, "延期"
    note_field = "extension_reason"

    class Meta:
        model = Ticket
        fields = ["extension_applied_on", "extension_granted_by", "extended_deadline", "extension_reason"]
        widgets = {"extended_deadline": DATE_INPUT, "extension_applied_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}。"
        if not self.is_bound and not self.instance.extension_applied_on:
            self.initial["extension_applied_on"] = timezone.localdate()

    @classmethod
    def refusal(cls, ticket):
        if ticket.is_overdue():
            return f"工单已于 {ticket.due:%Y-%m-%d} 到期，已逾期的工单不能延期（延期须在办理时限届满前申请）。"
        return super().refusal(ticket)

    def step_note(self):
        data = self.cleaned_data
        return (f"延期至 {data['extended_deadline']:%Y-%m-%d}（{data['extension_applied_on']:%Y-%m-%d} 申请，"
                f"{data['extension_granted_by']} 批准）：{data['extension_reason']}")[:200]


class TicketReturnForm(TicketActionForm):
    action, title = TicketStep.Action.RETURN, "退单"
    to_state, time_field, note_field = Ticket.State.RETURNED, "returned_at", "return_reason"

    class Meta:
        model = Ticket
        fields = ["returned_at", "return_reason"]
        widgets = {"returned_at": DATETIME_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["return_reason"].required = True
        self.fields["return_reason"].error_messages["required"] = "请填写退单原因。"


class TicketCloseForm(TicketActionForm):
    action, title = TicketStep.Action.CLOSE, "办结"
    to_state, time_field = Ticket.State.CLOSED, "closed_at"

    class Meta:
        model = Ticket
        fields = ["closed_at", "reply"]
        widgets = {"closed_at": DATETIME_INPUT, "reply": forms.Textarea}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].required = True
        self.fields["reply"].error_messages["required"] = "办结必须填写答复内容。"

    def step_note(self):
        return self.cleaned_data["reply"][:200]


SURVEY_RESULTS = [(s.value, s.label) for s in Satisfaction if s != Satisfaction.NOT_SURVEYED]


class TicketSurveyForm(TicketActionForm):
    """A 回访 that took place: its result and how the caller was reached (未回访 is no 回访, so not a choice)."""

    action, title = TicketStep.Action.SURVEY, "回访"
    from_states = (Ticket.State.CLOSED,)
    time_field = "surveyed_at"
    note = forms.CharField(label="回访说明", max_length=200, required=False)
    note_field = "note"

    class Meta:
        model = Ticket
        fields = ["surveyed_at", "survey_method", "satisfaction"]
        labels = {"satisfaction": "回访结果"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"] = forms.ChoiceField(label="回访结果", choices=[("", "请选择")] + SURVEY_RESULTS)
        self.fields["survey_method"] = forms.ChoiceField(label="回访方式",
                                                         choices=[("", "请选择")] + SurveyMethod.choices)
        _style(self)

    def clean(self):
        cleaned = super().clean()
        if "satisfaction" not in cleaned:  # without a result the model would read the time as one of no 回访
            cleaned.pop("surveyed_at", None)
            cleaned.pop("survey_method", None)
        return cleaned

    def step_note(self):
        result = f"{self.instance.get_satisfaction_display()}（{self.instance.get_survey_method_display()}）"
        return "；".join(filter(None, [result, self.cleaned_data["note"]]))


CORRECTABLE_TIMES = {
    "received_at": TicketStep.Action.RECEIVE, "signed_at": TicketStep.Action.SIGN,
    "returned_at": TicketStep.Action.RETURN, "closed_at": TicketStep.Action.CLOSE,
    "surveyed_at": TicketStep.Action.SURVEY,
}


class TicketTimeCorrectionForm(ModelErrorsShownMixin, VersionedModelForm):
    """更正时间: one step's recorded time replaced, for a stated reason; the ticket's rules (the order of the steps)
    are checked again by the model."""

    time_name = forms.ChoiceField(label="更正环节")
    new_time = TypedDateTimeField(label="正确时间", widget=DATETIME_INPUT)
    reason = forms.CharField(label="更正原因", max_length=100)

    class Meta:
        model = Ticket
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.old_times = {name: getattr(self.instance, name) for name in CORRECTABLE_TIMES}
        self.fields["time_name"].choices = [
            (name, f"{self._label(name)}（{timezone.localtime(moment):%Y-%m-%d %H:%M}）")
            for name, moment in self.old_times.items() if moment
        ]
        _style(self)

    def _label(self, name):
        return Ticket._meta.get_field(name).verbose_name

    def clean(self):
        cleaned = super().clean()
        name, new_time = cleaned.get("time_name"), cleaned.get("new_time")
        if name and new_time:
            if new_time == self.old_times[name]:
                self.add_error("new_time", f"与原{self._label(name)}相同，无需更正。")
            setattr(self.instance, name, new_time)
            self.error_fields = {name: "new_time"}
            if name == "received_at" and not self.instance.deadline_given and is_plausible_date(new_time):
                self.instance.deadline = ticket_deadline(new_time, self.instance.request_type, sla=sla_table(),
                                                         calendar=WorkCalendar.load())
        return cleaned

    @property
    def corrected_action(self):
        return CORRECTABLE_TIMES[self.cleaned_data["time_name"]]

    def step_note(self):
        name = self.cleaned_data["time_name"]
        old, new = (timezone.localtime(t) for t in (self.old_times[name], self.cleaned_data["new_time"]))
        shown_new = f"{new:%H:%M}" if new.date() == old.date() else f"{new:%Y-%m-%d %H:%M}"
        return f"{self._label(name)} {old:%Y-%m-%d %H:%M} → {shown_new}：{self.cleaned_data['reason']}"[:200]


TICKET_ACTION_FORMS = {
    "sign": TicketSignForm, "extend": TicketExtendForm, "return": TicketReturnForm, "close": TicketCloseForm,
    "survey": TicketSurveyForm,
}


MONTHS = [("", "全年")] + [(str(m), f"{m}月") for m in range(1, 13)]


class ListFilterForm(forms.Form):
    """The filters above a list (GET); every field optional, an invalid value is simply ignored."""

    q = forms.CharField(label="搜索", required=False)
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    month = forms.TypedChoiceField(label="月份", required=False, coerce=int, empty_value=None, choices=MONTHS)
    month_to = forms.TypedChoiceField(label="至（月份）", required=False, coerce=int, empty_value=None,
                                      choices=[("", "—")] + MONTHS[1:])
    village = forms.ModelChoiceField(label="村（社区）", required=False, queryset=Village.objects.none(),
                                     empty_label="全部村（社区）")

    def __init__(self, data, *, township, years):
        super().__init__(data)
        self.fields["year"].choices = [("", "全部年度")] + [(str(y), f"{y}年") for y in years]
        self.fields["village"].queryset = Village.objects.filter(township=township)
        style_filter_fields(self)

    def value(self, name):
        return self.values().get(name)

    def values(self):
        """The cleaned filters, or none at all when any is invalid."""
        return self.cleaned_data if self.is_valid() else {}


class DisputeFilterForm(ListFilterForm):
    state = forms.ChoiceField(label="状态", required=False,
                              choices=[("", "全部状态"), ("open", "正在办理")] + Dispute.State.choices)
    category = forms.ModelChoiceField(label="纠纷类型", required=False, queryset=DisputeCategory.objects.none(),
                                      empty_label="全部类型")
    open_over = forms.TypedChoiceField(label="受理已超过", required=False, coerce=int, empty_value=None,
                                       choices=[("", "不限"), ("30", "30天仍在办"), ("60", "60天仍在办"),
                                                ("90", "90天仍在办")])

    def __init__(self, data, *, township, years):
        super().__init__(data, township=township, years=years)
        self.fields["category"].queryset = DisputeCategory.objects.filter(county=township.county_id)


def _subject_choices(extra):
    """The usual 事项分类 first, then any other the township's tickets carry (imports keep the platform's own)."""
    usual = list(Ticket.Subject.values)
    return [(name, name) for name in usual + sorted(set(extra) - set(usual) - {""})]


class TicketFilterForm(ListFilterForm):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + Ticket.State.choices)
    request_type = forms.ChoiceField(label="诉求类型", required=False,
                                     choices=[("", "全部诉求类型")] + RequestType.choices)
    subject = forms.ChoiceField(label="事项分类", required=False)
    deadline = forms.ChoiceField(label="时限", required=False, choices=[
        ("", "全部时限"), ("overdue", "已逾期"), ("due_soon", "2个工作日内到期"), ("late", "超期办结"),
    ])
    satisfaction = forms.ChoiceField(label="满意度", required=False,
                                     choices=[("", "全部满意度")] + Satisfaction.choices)

    def __init__(self, data, *, township, years):
        super().__init__(data, township=township, years=years)
        used = Ticket.objects.filter(township=township).values_list("subject", flat=True).distinct()
        self.fields["subject"].choices = [("", "全部事项分类")] + _subject_choices(used)


class HandlingNoteForm(forms.ModelForm):
    """办理记录 of a ticket or a dispute: when, how, what was done."""

    class Meta:
        model = HandlingNote
        fields = ["happened_at", "kind", "text"]
        widgets = {"happened_at": DATETIME_INPUT, "text": forms.Textarea}
        field_classes = {"happened_at": TypedDateTimeField}
        help_texts = {"text": "例如：电话联系诉求人，约定明日现场查看；或：召开协调会，双方同意按原走向修复排水沟。"}

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        setattr(self.instance, "ticket" if isinstance(record, Ticket) else "dispute", record)
        self.fields["happened_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        _style(self)


class SupervisionForm(forms.ModelForm):
    """督办: the leader's 批示. Whether the record may be supervised at all is the model's rule (Supervision.clean)."""

    class Meta:
        model = Supervision
        fields = ["instruction"]
        widgets = {"instruction": forms.Textarea(attrs={"maxlength": INSTRUCTION_MAX_LENGTH, "rows": 3})}
        help_texts = {"instruction": f"不超过{INSTRUCTION_MAX_LENGTH}字，例如：请于本周五前办结并回复诉求人。"}
        error_messages = {"instruction": {"max_length": f"批示不能超过{INSTRUCTION_MAX_LENGTH}字。"}}

    def __init__(self, *args, record, user, **kwargs):
        super().__init__(*args, **kwargs)
        setattr(self.instance, "ticket" if isinstance(record, Ticket) else "dispute", record)
        self.instance.township, self.instance.state, self.instance.issued_by = record.township, record.state, user
        _style(self)
