"""Reads of the publicity app for lists, the annual report and the county dashboard. Scope first; they filter by
township explicitly and work inside `django_scopes.scope(township=...)`."""

from datetime import date

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import ExtractYear

from publicity.models import Event, EventForm, KeyDate, Law, Lawyer, Study
from xilian.models import Village


def event_list(*, township, year=None):
    events = Event.objects.active().filter(township=township)
    if year:
        events = events.filter(date__year=year)
    return events.select_related("village").prefetch_related("forms")


ALL_MONTHS = (1, 12)


def _in_years(records, *, townships, years, as_of, months=ALL_MONTHS):
    """The active records of `townships` dated in `years` (consecutive; in the months `months`, first and last,
    when not the whole year), up to `as_of` when given."""
    records = records.active().filter(township__in=townships, date__gte=date(min(years), 1, 1),
                                      date__lte=date(max(years), 12, 31))
    if months != ALL_MONTHS:
        records = records.filter(date__month__gte=months[0], date__month__lte=months[1])
    return records.filter(date__lte=as_of) if as_of else records


def _of_year(counts, year):
    return {pk: row for (pk, row_year), row in counts.items() if row_year == year}


def publicity_counts_by_township_and_year(*, townships, years, as_of=None, months=ALL_MONTHS):
    """{(township id, year): {"events": 普法活动 dated in that year (in `months`) up to `as_of`, "studies": 学法
    sessions likewise, "principal_chaired": those chaired by the 党政主要负责人 (part 三 of the report)}}: one
    query, the two tables' grouped counts one after the other (UNION ALL)."""
    def grouped(model, **counts):
        records = _in_years(model.objects, townships=townships, years=years, as_of=as_of, months=months)
        return records.annotate(year=ExtractYear("date")).values("township", "year").annotate(**{
            name: counts.get(name, Value(0)) for name in PUBLICITY_COUNTS}).order_by()

    events = grouped(Event, events=Count("pk"))
    studies = grouped(Study, studies=Count("pk"), principal_chaired=Count("pk", filter=Q(chaired_by_principal=True)))
    found = {}
    for row in events.union(studies, all=True):
        counts = found.setdefault((row.pop("township"), row.pop("year")), dict.fromkeys(PUBLICITY_COUNTS, 0))
        for name, number in row.items():
            counts[name] += number
    return {(township.pk, year): found.get((township.pk, year), dict.fromkeys(PUBLICITY_COUNTS, 0))
            for township in townships for year in years}


PUBLICITY_COUNTS = ("events", "studies", "principal_chaired")


def event_counts_by_township_and_year(*, townships, years, as_of=None, months=ALL_MONTHS):
    """{(township id, year): number of 普法活动 dated in that year (in `months`) up to `as_of`}: one grouped
    query."""
    counts = publicity_counts_by_township_and_year(townships=townships, years=years, as_of=as_of, months=months)
    return {key: row["events"] for key, row in counts.items()}


def event_counts_by_township(*, townships, year, as_of=None, months=ALL_MONTHS):
    """{township id: number of 普法活动 dated in `year` (in `months`) up to `as_of`}."""
    counts = event_counts_by_township_and_year(townships=townships, years=[year], as_of=as_of, months=months)
    return _of_year(counts, year)


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


def study_counts_by_township_and_year(*, townships, years, as_of=None, months=ALL_MONTHS):
    """{(township id, year): {"studies": 学法 sessions dated in that year (in `months`) up to `as_of`,
    "principal_chaired": those chaired by the 党政主要负责人 (part 三 of the report)}}: one grouped query."""
    counts = publicity_counts_by_township_and_year(townships=townships, years=years, as_of=as_of, months=months)
    return {key: {"studies": row["studies"], "principal_chaired": row["principal_chaired"]}
            for key, row in counts.items()}


def study_counts_by_township(*, townships, year, as_of=None, months=ALL_MONTHS):
    """{township id: {"studies": …, "principal_chaired": …}} of `year` (see study_counts_by_township_and_year)."""
    counts = study_counts_by_township_and_year(townships=townships, years=[year], as_of=as_of, months=months)
    return _of_year(counts, year)


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
    rows = villages.values("township").annotate(villages=Count("pk"), covered=Count("pk", filter=Q(pk__in=covered)))
    found = {row.pop("township"): row for row in rows.order_by()}
    return {township.pk: found.get(township.pk, {"villages": 0, "covered": 0}) for township in townships}


def lawyer_coverage(*, township, on_date):
    """For "N个村（社区）均配有驻点律师": how many villages have a lawyer on the date, and which have none."""
    counts = lawyer_coverage_by_township(townships=[township], on_date=on_date)[township.pk]
    missing = list(villages_without_lawyer(township=township, on_date=on_date))
    return {**counts, "missing": missing, "all_covered": counts["villages"] > 0 and not missing}


def dated_records(*, townships):
    """The townships' events and studies with the field that dates each, for the years a dashboard offers."""
    return [(Event.objects.active().filter(township__in=townships), "date"),
            (Study.objects.active().filter(township__in=townships), "date")]
