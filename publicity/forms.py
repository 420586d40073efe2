import datetime

from django import forms
from django.db.models import Q

from publicity.attachments import check_attachment
from publicity.models import Event, EventForm, KeyDate, Law, Lawyer, Study
from publicity.selectors import law_choices
from xilian.forms import IdMultipleChoiceField, style_filter_fields
from xilian.models import Village
from xilian.records import VersionedModelForm

REQUIRED = "请填写此项。"
ATTACHMENT_HELP = "可多选；jpg、png、webp 图片或 pdf、docx、xlsx 文档，每个不超过10 MB"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def style_fields(form):
    """Bootstrap classes on every widget, and one Chinese 'required' message."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"
        field.error_messages["required"] = REQUIRED
        field.error_messages["invalid"] = _invalid_message(field)


def _invalid_message(field):
    if isinstance(field, forms.DateField):
        return "请输入有效的日期，如 2021-12-04。"
    if isinstance(field, (forms.IntegerField, forms.DecimalField)):
        return "请输入数字。"
    return field.error_messages.get("invalid", "输入的值无效。")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each checked by content (see publicity.attachments)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx"}))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data or []) if upload]
        errors = []
        for upload in uploads:
            try:
                check_attachment(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return uploads


class TownshipRecordForm(VersionedModelForm):
    """A record form bound to the township it is entered for, so that model.clean() can check natural keys."""

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.township = township
        self.township = township
        style_fields(self)


class EventRecordForm(TownshipRecordForm):
    # Declared so that the scoped manager is not queried at import; the township's choices are set per form.
    lawyer = forms.ModelChoiceField(label="参与律师", queryset=Lawyer._base_manager.none(), required=False)
    attachments = AttachmentsField(label="照片和附件", help_text=ATTACHMENT_HELP)

    class Meta:
        model = Event
        fields = [
            "date", "name", "theme", "key_date", "forms", "place", "village", "organiser", "audience",
            "participants", "materials", "lawyer", "legal_helpers", "news_links", "note",
        ]
        widgets = {
            "date": DATE_WIDGET,
            "forms": forms.CheckboxSelectMultiple,
            "news_links": forms.Textarea(attrs={"rows": 2, "placeholder": "https://"}),
        }
        field_classes = {"forms": IdMultipleChoiceField}
        error_messages = {
            "participants": {"min_value": "参与人数不能为负数。"},
            "materials": {"min_value": "发放资料份数不能为负数。"},
        }

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, township=township, **kwargs)
        self.fields["village"].queryset = Village.objects.filter(township=township)
        self.fields["village"].empty_label = "全镇"
        self.fields["lawyer"].queryset = Lawyer.objects.active().filter(township=township)
        self.fields["lawyer"].empty_label = "无"
        self.fields["forms"].queryset = EventForm.objects.all()
        self.fields["forms"].error_messages["required"] = "请至少选择一种形式。"
        self.fields["key_date"].choices = [("", "无（日常宣传）"), *KeyDate.choices]
        if not self.instance.organiser:
            self.initial["organiser"] = f"{township.name}人民政府"


class StudyRecordForm(TownshipRecordForm):
    laws = IdMultipleChoiceField(label="学习的法律法规", queryset=Law._base_manager.none())
    attachments = AttachmentsField(label="签到表、照片等", help_text=ATTACHMENT_HELP)

    class Meta:
        model = Study
        fields = [
            "date", "form", "laws", "topic", "speaker", "chair", "chaired_by_principal", "attendees", "hours", "note",
        ]
        widgets = {"date": DATE_WIDGET, "laws": forms.SelectMultiple(attrs={"size": 8})}
        error_messages = {
            "attendees": {"min_value": "参学人数不能为负数。"},
            "hours": {"min_value": "学时不能为负数。", "max_digits": "学时过大。"},
        }

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, township=township, **kwargs)
        self.fields["laws"].queryset = law_choices(township=township)
        self.fields["laws"].error_messages["required"] = "请至少选择一部法律法规。"
        self.fields["laws"].help_text = "按住 Ctrl 可多选；清单中没有的，可先在“法律法规清单”中添加"


class LawyerRecordForm(TownshipRecordForm):
    class Meta:
        model = Lawyer
        fields = ["name", "law_firm", "phone", "is_township_adviser", "villages", "since", "until", "note"]
        widgets = {"since": DATE_WIDGET, "until": DATE_WIDGET, "villages": forms.CheckboxSelectMultiple}
        field_classes = {"villages": IdMultipleChoiceField}

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, township=township, **kwargs)
        self.fields["villages"].queryset = Village.objects.filter(township=township)


class LawRecordForm(TownshipRecordForm):
    class Meta:
        model = Law
        fields = ["name"]


class ListFilterForm(forms.Form):
    """The filters every publicity list shares: year, month and a text search."""

    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    month = forms.TypedChoiceField(
        label="月份", required=False, coerce=int, empty_value=None,
        choices=[("", "全年"), *((m, f"{m}月") for m in range(1, 13))],
    )
    month_to = forms.TypedChoiceField(
        label="至（月份）", required=False, coerce=int, empty_value=None,
        choices=[("", "—"), *((m, f"{m}月") for m in range(1, 13))],
    )
    q = forms.CharField(label="搜索", required=False, max_length=50)

    def __init__(self, *args, township, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.township = township
        this_year = datetime.date.today().year
        year_choices = [(year, f"{year}年") for year in sorted({*years, this_year}, reverse=True)]
        self.fields["year"].choices = [("", "全部年度"), *year_choices]
        style_filter_fields(self)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("year"):
            queryset = queryset.filter(date__year=data["year"])
        if data.get("month_to"):
            queryset = queryset.filter(date__month__gte=data.get("month") or 1, date__month__lte=data["month_to"])
        elif data.get("month"):
            queryset = queryset.filter(date__month=data["month"])
        return queryset


class EventFilterForm(ListFilterForm):
    village = forms.ChoiceField(label="村（社区）", required=False)
    key_date = forms.ChoiceField(label="宣传节点", required=False, choices=[("", "全部节点"), *KeyDate.choices])
    form = forms.ModelChoiceField(
        label="形式", required=False, queryset=EventForm.objects.all(), empty_label="全部形式"
    )
    field_order = ["year", "month", "month_to", "village", "key_date", "form", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Village.objects.filter(township=self.township)
        self.fields["village"].choices = [("", "全部"), ("whole", "全镇"), *((str(v.pk), v.name) for v in villages)]
        self.fields["q"].widget.attrs["placeholder"] = "名称、主题、地点"

    def filter(self, queryset):
        queryset = super().filter(queryset)
        data = self.cleaned_data
        if data.get("village") == "whole":
            queryset = queryset.filter(village__isnull=True)
        elif data.get("village"):
            queryset = queryset.filter(village_id=data["village"])
        if data.get("key_date"):
            queryset = queryset.filter(key_date=data["key_date"])
        if data.get("form"):
            queryset = queryset.filter(forms=data["form"])
        if data.get("q"):
            text = data["q"]
            queryset = queryset.filter(
                Q(name__icontains=text) | Q(theme__icontains=text)
                | Q(place__icontains=text) | Q(organiser__icontains=text)
            )
        return queryset


class StudyFilterForm(ListFilterForm):
    form = forms.ChoiceField(label="学习形式", required=False, choices=[("", "全部形式"), *Study.Form.choices])
    law = forms.ModelChoiceField(
        label="法律法规", required=False, queryset=Law._base_manager.none(), empty_label="全部"
    )
    field_order = ["year", "month", "month_to", "form", "law", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["law"].queryset = law_choices(township=self.township)
        self.fields["q"].widget.attrs["placeholder"] = "内容、主讲人、主持人"

    def filter(self, queryset):
        queryset = super().filter(queryset)
        data = self.cleaned_data
        if data.get("form"):
            queryset = queryset.filter(form=data["form"])
        if data.get("law"):
            queryset = queryset.filter(laws=data["law"])
        if data.get("q"):
            text = data["q"]
            matching = Q(topic__icontains=text) | Q(speaker__icontains=text) | Q(chair__icontains=text)
            matching |= Q(laws__name__icontains=text)
            queryset = queryset.filter(pk__in=queryset.filter(matching).values("pk"))
        return queryset
