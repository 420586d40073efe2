"""Services every record app uses to write township records: save with an optimistic lock, void with a reason.
Both write the audit log in the same transaction."""

from django import forms
from django.contrib import messages
from django.db import IntegrityError, connection, models, transaction
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
    over somebody else's newer one. An edit that does not say which version it was loaded at is refused too."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)

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
def record_save(*, township, user, form, request=None, detail=None):
    """Create or update the form's record in `township` as `user` and audit it (`request`, when there is one,
    gives the audit its IP address; `detail`, what the changed fields do not say). When somebody else saved the
    record since it was loaded, or created one with the same key meanwhile, the form gets the conflict message and
    StaleRecordError is raised; nothing is written."""
    instance = form.instance
    creating = instance._state.adding
    before = None
    if creating:
        instance.township = township
        instance.created_by = user
    else:
        before = record_snapshot(type(instance).objects.get(pk=instance.pk))
        try:
            loaded_version = form.cleaned_data.get("loaded_version")
            if loaded_version is None:  # an edit that does not say which version it changes is never last-writer-wins
                raise StaleRecordError(STALE_MESSAGE)
            _claim_next_version(instance, loaded_version)
        except StaleRecordError:
            form.add_error(None, STALE_MESSAGE)
            raise
    try:
        with transaction.atomic():
            instance = form.save()
    except IntegrityError:  # the same natural key saved by somebody else after this form's own check
        form.add_error(None, STALE_MESSAGE)
        raise StaleRecordError(STALE_MESSAGE) from None
    audit_record_change(request=request, actor=user, township=township, instance=instance, before=before,
                        detail=detail)
    return instance


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="作废原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "请填写作废原因。"},
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = record.version

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("请填写作废原因。")
        return reason

    def clean_loaded_version(self):
        if self.cleaned_data["loaded_version"] is None:
            raise forms.ValidationError(STALE_MESSAGE, code="stale")
        return self.cleaned_data["loaded_version"]


@transaction.atomic
def record_void(*, township, user, instance, reason, loaded_version, request=None):
    """Void a record: it leaves lists and counts but is kept, with who voided it and why. Refused (StaleRecordError)
    when the record changed since the user loaded it at `loaded_version`."""
    if instance.is_voided:
        return instance
    before = record_snapshot(instance)
    _claim_next_version(instance, loaded_version)
    instance.voided_at = timezone.now()
    instance.voided_by = user
    instance.void_reason = reason
    instance.save(update_fields=["voided_at", "voided_by", "void_reason", "version"])
    audit_record_change(
        request=request, actor=user, township=township, instance=instance, before=before,
        action=AuditLog.Action.VOID, detail={"作废原因": reason},
    )
    return instance


def void_view(request, record, *, done_url, cancel_url):
    """The confirm-and-reason page of a void, shared by every record type (the caller checks EDIT_RECORDS).
    `done_url` is the record's list, the breadcrumb's module level, named by the model's verbose name."""
    form = VoidForm(request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            record_void(
                township=request.township, user=request.user, instance=record, reason=form.cleaned_data["reason"],
                loaded_version=form.cleaned_data["loaded_version"], request=request,
            )
        except StaleRecordError:
            form.add_error(None, STALE_MESSAGE)
        else:
            messages.success(request, f"已作废：{record}")
            return redirect(done_url)
    return render(request, "xilian/void_confirm.html", {
        "form": form, "record": record, "cancel_url": cancel_url,
        "list_url": done_url, "list_label": type(record)._meta.verbose_name,
    })


def years_with_records(sources, years):
    """The years among `years` in which any of `sources` — (queryset, date field) pairs — has a record, in one
    query of EXISTS probes (an index range scan each, stopping at the first row) rather than a DISTINCT over every
    record of every year. Each source's probe is compiled once and reused with each year's bounds: compiling a
    hundred probes costs more than running them."""
    years = list(years)
    probes, params = [], []
    for records, field in sources:
        sql, probe_params, bounds = _year_probe(records, field)
        for year in years:
            probes.append(f"EXISTS ({sql})")
            params.extend([*probe_params, *bounds(year)])
    if not probes:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(probes)}", params)
        found = cursor.fetchone()
    return {year for index, year in enumerate(years) if any(found[index::len(years)])}


def _year_probe(records, field):
    """(SQL, its parameters but the year's, bounds(year) → the year's two parameters) of "a record of `records`
    dated in a year": the year lookup is the last condition, so its BETWEEN bounds are the last two parameters."""
    ops = connection.ops
    if isinstance(records.model._meta.get_field(field), models.DateTimeField):
        bounds = ops.year_lookup_bounds_for_datetime_field
    else:
        bounds = ops.year_lookup_bounds_for_date_field
    sample_year = 2000
    sql, params = records.filter(**{f"{field}__year": sample_year}).values("pk")[:1].query.sql_with_params()
    if list(params[-2:]) != list(bounds(sample_year)):
        raise AssertionError(f"the year bounds of {records.model.__name__}.{field} are not the last parameters")
    return sql, list(params[:-2]), bounds
