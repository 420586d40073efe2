from celery import shared_task

from xilian.jobs import run_job


@shared_task(name="xilian.run_job")
def run_job_task(job_id):
    run_job(job_id)
