from django.core.files.base import ContentFile

from tests.permissions import READERS, Page
from xilian.models import Job, LedgerImport
from xilian.roles import Role

STAFF = frozenset({Role.STAFF})
TOWNSHIP_PEOPLE = frozenset({Role.STAFF, Role.LEADER})
KIND = "tickets"  # the ledger views are one set of views for every kind; one kind proves their permissions


def _kind(demo):
    return {"township": demo.xilian.code, "kind": KIND}


def _previewed_import(demo):
    row = LedgerImport(township=demo.xilian, kind=KIND, original_name="工单.csv", sha256="0" * 64, size=3,
                       uploaded_by=demo.users["xilian_staff"], counts={"total_rows": 0, "new": 0, "updated": 0,
                                                                        "unchanged": 0, "errors": 0})
    ledger = "工单编号,受理时间,诉求类型,诉求标题,诉求内容\nXW1,2021-01-27 14:54,建议,路灯不亮,村道路灯不亮\n"
    row.stored_file.save("工单.csv", ContentFile(ledger.encode()), save=True)
    return {**_kind(demo), "pk": row.pk}


def _job(demo):
    job = Job.objects.create(township=demo.xilian, kind="ledger_preview", title="检查12345工单台账：工单.xlsx",
                             requested_by=demo.users["xilian_staff"], status=Job.Status.RUNNING, attempts=1)
    return {"township": demo.xilian.code, "pk": job.pk}


PAGES = [
    Page("ledger_import", STAFF, kwargs=_kind),
    Page("ledger_import_preview", STAFF, kwargs=_previewed_import),
    Page("ledger_import_confirm", STAFF, kwargs=_previewed_import, method="post", ok_status=302),
    Page("ledger_template", STAFF, kwargs=_kind),
    Page("ledger_export", READERS, kwargs=_kind),
    Page("ledger_voided", TOWNSHIP_PEOPLE, kwargs=_kind),
    Page("job_detail", STAFF, kwargs=_job),
]
