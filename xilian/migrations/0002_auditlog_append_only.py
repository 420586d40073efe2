from django.db import migrations

from xilian.db_triggers import install_audit_trigger

SQLITE_DOWN = "DROP TRIGGER IF EXISTS xilian_auditlog_no_update;"
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS xilian_auditlog_no_update ON xilian_auditlog;
DROP FUNCTION IF EXISTS xilian_auditlog_refuse_update();
"""


def install(apps, schema_editor):
    install_audit_trigger(schema_editor.connection)


def remove(apps, schema_editor):
    sql = {"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("xilian", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
