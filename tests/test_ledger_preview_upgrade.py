"""A preview kept before the importer streamed (its rows one JSON list) is expired by the migration: its confirm
says 预览已过期 and writes nothing, rather than failing on rows it cannot read."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from disputes.models import Ticket
from xilian.models import LedgerImport

pytestmark = pytest.mark.django_db
migration = importlib.import_module("xilian.migrations.0011_expire_previews_kept_as_plain_json")


def _import(demo, preview):
    with scopes_disabled():
        return LedgerImport.objects.create(
            township=demo.xilian, kind="tickets", original_name="工单.xlsx", stored_file="imports/x.upload",
            sha256="0" * 64, size=10, uploaded_by=demo.users["xilian_staff"], preview=preview,
            counts={"total_rows": 1, "new": 1, "updated": 0, "unchanged": 0, "errors": 0},
        )


def test_old_previews_are_expired_and_their_confirm_writes_nothing(client, demo):
    old = _import(demo, {"rows": [{"number": "GD1", "_row": 2}], "matched": [None]})
    current = _import(demo, {"rows": "eJwDAAAAAAE=", "matched": []})
    migration.expire_plain_previews(apps, None)
    with scopes_disabled():
        old.refresh_from_db()
        current.refresh_from_db()
    assert old.preview is None and current.preview == {"rows": "eJwDAAAAAAE=", "matched": []}

    staff = demo.client_for(client, "xilian_staff")
    confirm = reverse("ledger_import_confirm", kwargs={"township": demo.xilian.code, "kind": "tickets", "pk": old.pk})
    assert "预览已过期" in staff.post(confirm, follow=True).content.decode()
    with scope(township=demo.xilian):
        assert not Ticket.objects.exists()
