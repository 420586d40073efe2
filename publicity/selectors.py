"""Reads of the publicity app for lists, the annual report and the county dashboard. Scope first; they filter by
township explicitly and work inside `django_scopes.scope(township=...)`."""

from django.db.models import Q, Sum

from publicity.models import Event, EventForm, KeyDate, Law, Lawyer, Study
from xilian.models import Village


def event_list(*, township, year=None):
    events = Event.objects.active().filter(township=township)
    if year:
        events = events.filter(date__year=year)
    return events.select_related("village").prefetch_related("forms")


def event_count(*, township, year):
    return Event.objects.active().filter(township=township, date__year=year).count()


def event_totals(events):
    """Count, participants and materials handed out of a (filtered) event queryset."""
    totals = events.order_by().aggregate(participants=Sum("participants"), materials=Sum("materials"))
    return {"count": events.count(), "participants": totals["participants"] or 0, "materials": totals["materials"] or 0}


def event_key_dates(*, township, year):
    """The key publicity dates (KeyDate) the township's events of the year marked, in calendar order."""
    marked = set(event_list(township=township, year=year).exclude(key_date="").values_list("key_date", flat=True))
    return [key_date for key_date in KeyDate if key_date in marked]


def event_forms_used(*, township, year):
    """The forms (讲座, 微信…) used by the year's events, most used first."""
    events = event_list(township=township, year=year).order_by()
    usage = {}
    for form_name in events.values_list("forms__name", flat=True):
        if form_name:
            usage[form_name] = usage.get(form_name, 0) + 1
    order = {form.name: form.order for form in EventForm.objects.all()}
    return sorted(usage, key=lambda name: (-usage[name], order.get(name, 0)))


def study_list(*, township, year=None):
    studies = Study.objects.active().filter(township=township)
    if year:
        studies = studies.filter(date__year=year)
    return studies.prefetch_related("laws")


def study_count(*, township, year):
    return Study.objects.active().filter(township=township, date__year=year).count()


def study_totals(studies):
    totals = studies.order_by().aggregate(attendees=Sum("attendees"), hours=Sum("hours"))
    return {"count": studies.count(), "attendees": totals["attendees"] or 0, "hours": totals["hours"] or 0}


def principal_chaired_study_count(*, township, year):
    """学法 sessions chaired by the 党政主要负责人 (part 三 of the report)."""
    return study_list(township=township, year=year).filter(chaired_by_principal=True).count()


def laws_studied(*, township, year):
    """The laws studied in the year, in the order they were first studied."""
    names = []
    for name in study_list(township=township, year=year).order_by("date", "pk").values_list("laws__name", flat=True):
        if name and name not in names:
            names.append(name)
    return names


def law_choices(*, township):
    return Law.objects.active().filter(township=township)


def lawyers_on(*, township, on_date):
    """The lawyers whose engagement covers `on_date`."""
    return Lawyer.objects.active().filter(township=township, since__lte=on_date).filter(
        Q(until__isnull=True) | Q(until__gte=on_date)
    )


def villages_with_lawyer(*, township, on_date):
    lawyer_ids = lawyers_on(township=township, on_date=on_date).values("pk")
    return Village.objects.filter(township=township, lawyers__in=lawyer_ids).distinct().order_by("code")


def villages_without_lawyer(*, township, on_date):
    covered = villages_with_lawyer(township=township, on_date=on_date).values("pk")
    return Village.objects.filter(township=township).exclude(pk__in=covered).order_by("code")


def lawyer_coverage(*, township, on_date):
    """For "N个村（社区）均配有驻点律师": how many villages have a lawyer on the date, and which have none."""
    total = Village.objects.filter(township=township).count()
    covered = villages_with_lawyer(township=township, on_date=on_date).count()
    missing = list(villages_without_lawyer(township=township, on_date=on_date))
    return {"villages": total, "covered": covered, "missing": missing, "all_covered": total > 0 and not missing}
