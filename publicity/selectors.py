"""Reads of the publicity app for lists, the annual report and the county dashboard. Scope first; they filter by
township explicitly and work inside `django_scopes.scope(township=...)`."""

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear

from publicity.models import Event, EventForm, KeyDate, Law, Lawyer, Study
from xilian.models import Village


def years_with_records(*, townships):
    """[values querysets of `year`] of the townships' active events and studies, for one UNION with the other apps'
    (xilian.dashboard.record_years)."""
    return [model.objects.active().filter(township__in=townships).annotate(year=ExtractYear("date")).values_list(
        "year").order_by() for model in (Event, Study)]


def event_list(*, township, year=None):
    events = Event.objects.active().filter(township=township)
    if year:
        events = events.filter(date__year=year)
    return events.select_related("village").prefetch_related("forms")


ALL_MONTHS = (1, 12)


def _in_year(records, *, townships, year, as_of, months=ALL_MONTHS):
    """The active records of `townships` dated in `year` (in the months `months`, first and last), up to `as_of`
    when given."""
    first, last = months
    records = records.active().filter(township__in=townships, date__year=year, date__month__gte=first,
                                      date__month__lte=last)
    return records.filter(date__lte=as_of) if as_of else records


def _grouped(records, townships, **counts):
    """{township id: {name: count}} in one grouped query; zeros for a township without records."""
    rows = {row.pop("township"): row for row in records.values("township").annotate(**counts).order_by()}
    return {township.pk: rows.get(township.pk, dict.fromkeys(counts, 0)) for township in townships}


def event_counts_by_township(*, townships, year, as_of=None, months=ALL_MONTHS):
    """{township id: number of 普法活动 dated in `year` (in `months`) up to `as_of`}."""
    events = _in_year(Event.objects, townships=townships, year=year, as_of=as_of, months=months)
    return {pk: row["events"] for pk, row in _grouped(events, townships, events=Count("pk")).items()}


def event_count(*, township, year, as_of=None):
    return event_counts_by_township(townships=[township], year=year, as_of=as_of)[township.pk]


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


def study_counts_by_township(*, townships, year, as_of=None, months=ALL_MONTHS):
    """{township id: {"studies": 学法 sessions dated in `year` (in `months`) up to `as_of`, "principal_chaired":
    those chaired by the 党政主要负责人 (part 三 of the report)}}."""
    studies = _in_year(Study.objects, townships=townships, year=year, as_of=as_of, months=months)
    return _grouped(studies, townships, studies=Count("pk"),
                    principal_chaired=Count("pk", filter=Q(chaired_by_principal=True)))


def study_count(*, township, year, as_of=None):
    return study_counts_by_township(townships=[township], year=year, as_of=as_of)[township.pk]["studies"]


def study_totals(studies):
    totals = studies.order_by().aggregate(attendees=Sum("attendees"), hours=Sum("hours"))
    return {"count": studies.count(), "attendees": totals["attendees"] or 0, "hours": totals["hours"] or 0}


def principal_chaired_study_count(*, township, year, as_of=None):
    return study_counts_by_township(townships=[township], year=year, as_of=as_of)[township.pk]["principal_chaired"]


def laws_studied(*, township, year):
    """The laws studied in the year, in the order they were first studied."""
    names = []
    for name in study_list(township=township, year=year).order_by("date", "pk").values_list("laws__name", flat=True):
        if name and name not in names:
            names.append(name)
    return names


def law_choices(*, township):
    return Law.objects.active().filter(township=township)


def _engaged_on(lawyers, on_date):
    return lawyers.filter(since__lte=on_date).filter(Q(until__isnull=True) | Q(until__gte=on_date))


def lawyers_on(*, township, on_date):
    """The lawyers whose engagement covers `on_date`."""
    return _engaged_on(Lawyer.objects.active().filter(township=township), on_date)


def _served_villages(lawyers):
    """The villages one of `lawyers` serves, counted only for a lawyer of the village's own township."""
    return Village.objects.filter(lawyers__in=lawyers.values("pk"), lawyers__township=F("township")).distinct()


def villages_with_lawyer(*, township, on_date):
    return _served_villages(lawyers_on(township=township, on_date=on_date)).filter(township=township).order_by("code")


def villages_without_lawyer(*, township, on_date):
    covered = villages_with_lawyer(township=township, on_date=on_date).values("pk")
    return Village.objects.filter(township=township).exclude(pk__in=covered).order_by("code")


def lawyer_coverage_by_township(*, townships, on_date):
    """{township id: {"villages": its 村（社区）, "covered": those with a lawyer engaged on `on_date`}}."""
    lawyers = _engaged_on(Lawyer.objects.active().filter(township__in=townships), on_date)
    covered = _served_villages(lawyers).values("pk")
    villages = Village.objects.filter(township__in=townships)
    return _grouped(villages, townships, villages=Count("pk"), covered=Count("pk", filter=Q(pk__in=covered)))


def lawyer_coverage(*, township, on_date):
    """For "N个村（社区）均配有驻点律师": how many villages have a lawyer on the date, and which have none."""
    counts = lawyer_coverage_by_township(townships=[township], on_date=on_date)[township.pk]
    missing = list(villages_without_lawyer(township=township, on_date=on_date))
    return {**counts, "missing": missing, "all_covered": counts["villages"] > 0 and not missing}
