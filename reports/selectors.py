"""Reading reports, always through the township."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F

from reports import charts
from reports.figures import TownshipFigures, township_figures
from reports.models import Part, Report, ReportArchive, ReportSection, ReportStep
from reports.rendering import chinese_numeral, figure_text, typed_numbers_matching_figures
from xilian.models import Job


def report_list(*, township):
    return Report.objects.filter(township=township).select_related("township").order_by("-year")


def report_get(*, township, year):
    """The township's report of `year`; Report.DoesNotExist for another township's or a missing one."""
    return Report.objects.select_related("township__county").get(township=township, year=year)


def report_figures(*, report):
    """The figures the report quotes: those frozen when it was submitted, else counted now as of its 统计截止日期
    (today while it is not dated)."""
    if report.frozen_figures:
        return TownshipFigures.thawed(report.township, report.frozen_figures)
    return township_figures(township=report.township, year=report.year, as_of=report.figures_date)


def report_charts(*, report):
    """The charts the report's PDF prints after part 一: those frozen with its figures when it was submitted, else
    drawn now from the records as of its 统计截止日期, so that the charts always agree with the figures."""
    if report.frozen_figures and "charts" in report.frozen_figures:
        return [(caption, svg) for caption, svg in report.frozen_figures["charts"]]
    return charts.report_charts(township=report.township, year=report.year, as_of=report.figures_date)


def report_pending_return(*, report):
    """The 退回 the drafter still has to answer: the report's last step, when it sent the report back."""
    last = report.steps.select_related("actor").order_by("-at", "-pk").first()
    return last if last is not None and last.action == ReportStep.Action.RETURN else None


def report_filing_job(*, report):
    """The worker's job filing the report (归档), while it is queued or running; None otherwise."""
    return Job.objects.filter(kind="report_archive", params__report=report.pk,
                              status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).first()


def report_steps(*, report):
    return report.steps.select_related("actor").order_by("at", "pk")


def report_filed_copy(*, township, year):
    """The filed copy of an archived report as it stands (its current revision), in one query; None while the
    report of `year` is not archived."""
    return ReportArchive.objects.select_related("report__township").filter(
        report__township=township, report__year=year, report__state=Report.State.ARCHIVED,
        revision=F("report__revision"),
    ).first()


def report_archives(*, report):
    return report.archives.select_related("approved_by", "archived_by").order_by("-revision")


def typed_figure_notes(text, figures):
    """The figures whose values `text` types as plain numbers, each as "纠纷受理数（118宗）"."""
    return [f"{figure.label}（{figure_text(figure)}）" for figure in typed_numbers_matching_figures(text, figures)]


@dataclass
class OutlineEntry:
    """A section as the editor lists it: its generated number (as report_html numbers it), its points, and the
    figures whose values its text types instead of referring to them."""

    section: ReportSection
    number: str
    typed_figures: list
    points: list = field(default_factory=list)

    @property
    def edit_key(self):
        return f"section-{self.section.pk}"

    @property
    def add_point_key(self):
        return f"points-{self.section.pk}"


@dataclass
class OutlinePart:
    part: Part
    number: str
    entries: list

    @property
    def add_key(self):
        return f"part-{self.part.value}"


def report_outline(*, report, figures):
    """[OutlinePart] for the five parts in order, from one query."""
    entries, points = defaultdict(list), defaultdict(list)
    for section in report.sections.order_by("part", "position", "pk"):
        typed = typed_figure_notes(f"{section.heading}\n{section.body}", figures)
        if section.parent_id is None:
            entries[section.part].append(OutlineEntry(section, "", typed))
        else:
            points[section.parent_id].append(OutlineEntry(section, f"{len(points[section.parent_id]) + 1}、", typed))
    outline = []
    for part in Part:
        number = 0
        for entry in entries[part]:
            if entry.section.heading:  # a sub-part without a heading is the part's own text, not numbered
                number += 1
                entry.number = f"（{chinese_numeral(number)}）"
            entry.points = points[entry.section.pk]
        outline.append(OutlinePart(part, chinese_numeral(part), entries[part]))
    return outline
NOT_STARTED = "未起草"


def report_states(*, townships, year):
    """{township id: the state of its report of `year`, in words ("未起草" without one)}: one query for all."""
    states = dict(Report.objects.filter(township__in=townships, year=year).values_list("township", "state"))
    return {township.pk: Report.State(states[township.pk]).label if township.pk in states else NOT_STARTED
            for township in townships}
