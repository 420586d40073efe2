from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from disputes.models import (
    Dispute,
    DisputeCategory,
    HandlingNote,
    RequestType,
    Satisfaction,
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
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
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


class TicketForm(TownshipRecordForm):
    unique_field = "ticket_number"
    unique_message = "本镇已有该工单编号的工单。"

    class Meta:
        model = Ticket
        fields = [
            "ticket_number", "received_at", "channel", "request_type", "subject", "title", "content", "caller_name",
            "caller_phone", "village", "handling_unit", "deadline",
        ]
        widgets = {"received_at": DATETIME_INPUT, "deadline": DATE_INPUT, "content": forms.Textarea}
        help_texts = {
            "deadline": "平台已给定时限的照填；留空则按诉求类型的工作日时限（法定节假日、调休按国家安排）自动计算。",
            "caller_phone": "可输入完整号码，系统只保存遮蔽后的形式（如 139****6138）。",
        }

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, township=township, **kwargs)
        self.fields["deadline"].required = False
        self.fields["request_type"].choices = [("", "请选择")] + RequestType.choices
        self.fields["subject"] = forms.ChoiceField(label="事项分类", choices=_subject_choices([self.instance.subject]))

    def clean_caller_phone(self):
        return mask_phone(self.cleaned_data["caller_phone"])

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now():
            raise ValidationError("受理时间不能晚于现在。")
        return received_at

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


class TicketActionForm(VersionedModelForm):
    """A step of a ticket's life: the states it may start from, the state it leads to, and the step's time."""

    action = None
    from_states = Ticket.OPEN_STATES
    to_state = None
    time_field = None
    note_field = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.time_field:
            self.fields[self.time_field].required = True
            self.fields[self.time_field].initial = timezone.localtime().replace(second=0, microsecond=0)
        _style(self)

    def clean(self):
        cleaned = super().clean()
        if self.instance.state not in self.from_states:
            raise ValidationError(f"工单当前为“{self.instance.get_state_display()}”，不能{self.title}。")
        if self.to_state:
            self.instance.state = self.to_state
        return cleaned

    def step_time(self):
        return self.cleaned_data[self.time_field] if self.time_field else timezone.now()

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
        fields = ["extended_deadline", "extension_reason"]
        widgets = {"extended_deadline": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}。"

    def step_note(self):
        return f"延期至 {self.cleaned_data['extended_deadline']:%Y-%m-%d}：{self.cleaned_data['extension_reason']}"


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


class TicketSurveyForm(TicketActionForm):
    action, title = TicketStep.Action.SURVEY, "回访"
    from_states = (Ticket.State.CLOSED,)
    note = forms.CharField(label="回访说明", max_length=200, required=False)
    note_field = "note"

    class Meta:
        model = Ticket
        fields = ["satisfaction"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].choices = Satisfaction.choices

    def step_note(self):
        return "；".join(filter(None, [self.instance.get_satisfaction_display(), self.cleaned_data["note"]]))


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
        help_texts = {"text": "例如：电话联系诉求人，约定明日现场查看；或：召开协调会，双方同意按原走向修复排水沟。"}

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        setattr(self.instance, "ticket" if isinstance(record, Ticket) else "dispute", record)
        self.fields["happened_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        _style(self)
