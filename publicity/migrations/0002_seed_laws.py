from django.db import migrations


def seed_laws(apps, schema_editor):
    """Townships that existed before this app get the default law list (new ones get it when created)."""
    from publicity.services import DEFAULT_LAWS

    Law = apps.get_model("publicity", "Law")
    Township = apps.get_model("xilian", "Township")
    for township in Township.objects.all():
        for name in DEFAULT_LAWS:
            Law.objects.get_or_create(township=township, name=name)


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial"), ("xilian", "0002_auditlog_append_only")]

    operations = [migrations.RunPython(seed_laws, migrations.RunPython.noop)]
