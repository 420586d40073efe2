"""Long work a user starts: in the Celery worker when CELERY_BROKER_URL is set, in the request otherwise.

An app registers what a kind of job does with `@job_handler(kind)`: a function (job, progress) → JobResult, run
inside the job's township scope, raising JobRefused with a message for the clerk when it cannot be done. The
function must write all or nothing (one transaction), because a job whose worker was killed runs again from the
start: the task is acknowledged only once it has finished (CELERY_TASK_ACKS_LATE), so the broker hands an
unfinished one to a worker again.

`progress(stage, done, total)` goes to the cache the app servers share with the worker, not to the database: the
job's own transaction is still open while it reports."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from kombu.exceptions import OperationalError

from xilian.audit import client_ip, requested_from
from xilian.models import Job

logger = logging.getLogger(__name__)
_HANDLERS = {}
PROGRESS_KEPT_SECONDS = 24 * 3600
WORKER_UNREACHABLE = "后台处理服务暂时无法连接，未写入任何记录。请稍后重试；如仍不行，请联系系统管理员。"
UNEXPECTED_FAILURE = "处理时出错，未写入任何记录。请重新操作；如仍出错，请把任务编号{pk}告诉系统管理员。"


class JobRefused(Exception):
    """The job cannot be done as asked; nothing was written. The message is for the clerk."""

    def __init__(self, message, *, result_url=""):
        super().__init__(message)
        self.result_url = result_url


@dataclass(frozen=True)
class JobResult:
    message: str
    url: str


def job_handler(kind):
    def register(function):
        _HANDLERS[kind] = function
        return function
    return register


def worker_configured():
    return bool(settings.CELERY_BROKER_URL)


def start_job(*, request, township, kind, title, params, file=None):
    """Record the job and run it: handed to the worker when one is configured, here and now otherwise (the job is
    then finished when this returns)."""
    job = Job(township=township, kind=kind, title=title[:200], params=params, requested_by=request.user,
              ip_address=client_ip(request))
    if file is not None:
        job.file.save(file.name, file, save=False)
    job.save()
    if worker_configured():
        transaction.on_commit(lambda: _hand_to_worker(job))
    else:
        run_job(job.pk)
        job.refresh_from_db()
    return job


def _hand_to_worker(job):
    from xilian.tasks import run_job_task

    try:
        run_job_task.delay(job.pk)
    except OperationalError:  # the broker (Redis) cannot be reached
        logger.exception("job %s could not be handed to the worker", job.pk)
        _finish(job, Job.Status.FAILED, WORKER_UNREACHABLE, "")


def job_url(job):
    return reverse("job_detail", kwargs={"township": job.township.code, "pk": job.pk})


def run_job(job_id):
    """Run a job that has not finished (a second delivery of a finished one does nothing)."""
    with scopes_disabled():
        started = Job.objects.filter(pk=job_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            status=Job.Status.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now()
        )
        if not started:
            return
        job = Job.objects.select_related("township__county", "requested_by").get(pk=job_id)
    try:
        with scope(township=job.township), requested_from(job.ip_address):
            result = _HANDLERS[job.kind](job, _progress_reporter(job))
    except JobRefused as refused:
        _finish(job, Job.Status.FAILED, str(refused), refused.result_url)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.Status.FAILED, UNEXPECTED_FAILURE.format(pk=job.pk), "")
    else:
        _finish(job, Job.Status.DONE, result.message, result.url)


def _finish(job, status, message, url):
    """The first run to finish gives the job its outcome: a run handed out again while the first was still going
    (a redelivery timeout shorter than the job) finds the work done or blocked, and must not overwrite it."""
    with scopes_disabled():
        Job.objects.filter(pk=job.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
            status=status, message=message, result_url=url, finished_at=timezone.now())
    caches["jobs"].delete(_progress_key(job.pk))


def _progress_key(pk):
    return f"job-progress-{pk}"


def _progress_reporter(job):
    def progress(stage, done=0, total=None):
        caches["jobs"].set(_progress_key(job.pk), {"stage": stage, "done": done, "total": total},
                           PROGRESS_KEPT_SECONDS)
    return progress


def job_progress(job):
    """{"stage", "done", "total"} as the running job last reported it, or None."""
    return caches["jobs"].get(_progress_key(job.pk))
