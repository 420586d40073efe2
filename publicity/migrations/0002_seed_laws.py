from django.db import migrations

from xilian.audit import audit_seeded_in_migration


def seed_laws(apps, schema_editor):
    """Townships that existed before this app get the default law list (new ones get it when created)."""
    from publicity.services import DEFAULT_LAWS

    Law = apps.get_model("publicity", "Law")
    Township = apps.get_model("xilian", "Township")
    laws = [
        Law.objects.get_or_create(township=township, name=name)
        for township in Township.objects.all()
        for name in DEFAULT_LAWS
    ]
    audit_seeded_in_migration(apps, schema_editor, [law for law, created in laws if created],
                              describe=lambda law: law.name)


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0001_initial"), ("xilian", "0002_auditlog_append_only"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed_laws, migrations.RunPython.noop)]
