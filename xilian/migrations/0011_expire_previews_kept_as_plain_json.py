"""Previews kept before the importer streamed held their rows as one JSON list; the confirm now reads compressed
batches, so such a preview is expired: its confirm says 预览已过期 and the clerk uploads the file again."""

from django.db import migrations


def expire_plain_previews(apps, schema_editor):
    LedgerImport = apps.get_model("xilian", "LedgerImport")
    rows = LedgerImport._base_manager  # not a scoped manager, whichever the model has
    for row in rows.filter(status="previewed", preview__isnull=False).only("pk", "preview").iterator():
        if isinstance(row.preview.get("rows"), list):
            rows.filter(pk=row.pk).update(preview=None)


class Migration(migrations.Migration):
    dependencies = [("xilian", "0010_job")]
    operations = [migrations.RunPython(expire_plain_previews, migrations.RunPython.noop)]
