from django import forms
from django.utils import timezone

from reports.models import MIN_YEAR, Report, ReportSection
from xilian.records import STALE_MESSAGE, VersionedModelForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _style(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        field.widget.attrs.setdefault("class", "form-control")
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = "请输入正确的日期，如 2021-12-08。"
        if field.required:
            field.error_messages["required"] = f"请填写{field.label}。"
        if getattr(field, "max_length", None):
            field.error_messages["max_length"] = f"{field.label}不能超过{field.max_length}字。"


class ReportCreateForm(forms.Form):
    year = forms.IntegerField(label="年度", error_messages={"invalid": "请输入年份，如 2021。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        _style(self)

    def clean_year(self):
        year, this_year = self.cleaned_data["year"], timezone.localdate().year
        if not MIN_YEAR <= year <= this_year:
            raise forms.ValidationError(f"年度应在{MIN_YEAR}年至{this_year}年之间。")
        return year


class ReportDetailsForm(VersionedModelForm):
    class Meta:
        model = Report
        fields = ["intro", "dated_on", "figures_as_of", "signed_by"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 6}), "dated_on": DATE_WIDGET, "figures_as_of": DATE_WIDGET}
        help_texts = {"signed_by": "留空则为“县名＋镇名人民政府”"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_loaded_version(self):
        if self.cleaned_data["loaded_version"] is None:
            raise forms.ValidationError(STALE_MESSAGE)
        return self.cleaned_data["loaded_version"]


class SectionForm(forms.ModelForm):
    class Meta:
        model = ReportSection
        fields = ["heading", "body"]
        widgets = {"heading": forms.TextInput(), "body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "heading": "不要输入编号：“（一）”“1、”由系统按顺序生成。小节标题留空，正文即为该部分的直接正文。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class StepForm(forms.Form):
    """The confirmation of a move: the version of the report the user saw, and a comment when the move takes one."""

    comment = forms.CharField(label="意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1,
                                        error_messages={"required": STALE_MESSAGE})

    def __init__(self, *args, report, comment_label=None, comment_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = report.version
        if comment_label is None:
            del self.fields["comment"]
        else:
            self.fields["comment"].label = comment_label
            self.fields["comment"].required = comment_required
        _style(self)
        if "comment" in self.fields:
            self.fields["comment"].error_messages["required"] = f"请填写{comment_label}。"
