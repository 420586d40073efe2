"""The Celery application of the worker: `celery -A xilian worker`. Its configuration is Django's settings whose
names start with CELERY_; the one task is xilian.tasks.run_job_task."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xilian.settings")

app = Celery("xilian")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["xilian"])
