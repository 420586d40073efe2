from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from xilian.models import AuditLog, Township


def style_filter_fields(form):
    """Bootstrap's compact classes on a filter form above a list (selects and inputs differ)."""
    for field in form.fields.values():
        is_select = isinstance(field.widget, forms.Select)
        field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"


LARGEST_ID = 2**63 - 1  # a 64-bit primary key; SQLite raises OverflowError on a larger number in a query


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multi-select of records by id that refuses anything but a whole number from 1 to LARGEST_ID, with the
    usual 'invalid choice' message, before the ids reach a query."""

    def _check_values(self, value):
        for chosen in value:
            if not _is_storable_id(chosen):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                      params={"value": chosen})
        return super()._check_values(value)


def _is_storable_id(value):
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 1 <= int(text) <= LARGEST_ID


class LoginForm(AuthenticationForm):
    error_messages = {
        # One message whether the user exists or not, so the form tells nobody which usernames are real.
        "invalid_login": "用户名或密码不正确，请重新输入。连续5次输错，该账号将被锁定30分钟。",
        "inactive": "用户名或密码不正确，请重新输入。连续5次输错，该账号将被锁定30分钟。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class AuditLogFilterForm(forms.Form):
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部操作"), *AuditLog.Action.choices])
    username = forms.CharField(label="用户名", required=False)
    township = forms.ModelChoiceField(label="镇", required=False, queryset=Township.objects.all(),
                                      empty_label="全部镇")
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label="记录包含", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_filter_fields(self)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("username"):
            queryset = queryset.filter(username__icontains=data["username"])
        if data.get("township"):
            queryset = queryset.filter(township=data["township"])
        if data.get("date_from"):
            queryset = queryset.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(created_at__date__lte=data["date_to"])
        if data.get("text"):
            queryset = queryset.filter(object_repr__icontains=data["text"])
        return queryset
