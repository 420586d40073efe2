"""Services every record app uses to write township records: save with an optimistic lock, void with a reason.
Both write the audit log in the same transaction."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils import timezone

from xilian.audit import audit_record_change, record_snapshot
from xilian.models import AuditLog

STALE_MESSAGE = "记录已被他人修改，请刷新后再试"


class StaleRecordError(Exception):
    pass


def state_reachable(model, start, goal):
    """Whether `goal` can be reached from `start` along the model's NEXT_STATES (the transitions the pages allow)."""
    seen, frontier = {start}, [start]
    while frontier:
        for state in model.NEXT_STATES[model.State(frontier.pop())]:
            if state == goal:
                return True
            if state not in seen:
                seen.add(state)
                frontier.append(state)
    return False


class VersionedModelForm(forms.ModelForm):
    """A record form that remembers the version it was loaded at, so that `record_save` can refuse a save made
    over somebody else's newer one."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version


def _claim_next_version(instance, loaded_version):
    """Bump the version only if it is still the one the user loaded; the UPDATE locks the row until commit."""
    claimed = type(instance).objects.filter(pk=instance.pk, version=loaded_version).update(version=F("version") + 1)
    if not claimed:
        raise StaleRecordError(STALE_MESSAGE)
    instance.version = loaded_version + 1


@transaction.atomic
def record_save(*, request, form):
    """Create or update the form's record in the request's township and audit it. On a stale edit the form gets
    the error and StaleRecordError is raised; nothing is written."""
    instance = form.instance
    creating = instance._state.adding
    before = None
    if creating:
        instance.township = request.township
        instance.created_by = request.user
    else:
        before = record_snapshot(type(instance).objects.get(pk=instance.pk))
        loaded_version = form.cleaned_data.get("loaded_version")
        try:
            _claim_next_version(instance, instance.version if loaded_version is None else loaded_version)
        except StaleRecordError:
            form.add_error(None, STALE_MESSAGE)
            raise
    instance = form.save()
    audit_record_change(request=request, instance=instance, before=before)
    return instance


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="作废原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "请填写作废原因。"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写作废原因。")
        return reason


@transaction.atomic
def record_void(*, request, instance, reason):
    """Void a record: it leaves lists and counts but is kept, with who voided it and why."""
    if instance.is_voided:
        return instance
    before = record_snapshot(instance)
    _claim_next_version(instance, instance.version)
    instance.voided_at = timezone.now()
    instance.voided_by = request.user
    instance.void_reason = reason
    instance.save(update_fields=["voided_at", "voided_by", "void_reason", "version"])
    audit_record_change(
        request=request, instance=instance, before=before, action=AuditLog.Action.VOID, detail={"作废原因": reason}
    )
    return instance


def void_view(request, record, *, done_url, cancel_url):
    """The confirm-and-reason page of a void, shared by every record type (the caller checks EDIT_RECORDS)."""
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_void(request=request, instance=record, reason=form.cleaned_data["reason"])
        messages.success(request, f"已作废：{record}")
        return redirect(done_url)
    return render(request, "xilian/void_confirm.html", {"form": form, "record": record, "cancel_url": cancel_url})
