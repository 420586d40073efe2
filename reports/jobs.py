"""Filing (归档) a report renders its PDF and PDF/A once: in the worker when one is configured (xilian/jobs.py)."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import workflow
from reports.models import Report
from xilian.jobs import JobRefused, JobResult, job_handler


def report_page(report):
    return reverse("reports:report_preview", kwargs={"township": report.township.code, "year": report.year})


@job_handler("report_archive")
def archive_job(job, progress):
    report = Report.objects.select_related("township").get(pk=job.params["report"])
    progress("生成PDF和PDF/A文件")
    try:
        workflow.report_archive(report=report, user=job.requested_by, loaded_version=job.params["loaded_version"])
    except ValidationError as refused:
        raise JobRefused(" ".join(refused.messages), result_url=report_page(report)) from None
    return JobResult("报告已归档。", report_page(report))
