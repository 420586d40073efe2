"""A database trigger refuses UPDATE on the audit log, so even raw SQL or a future bug cannot rewrite history.
DELETE is refused by the model and its queryset; at the database level it is left to the DBA (test databases
are emptied between tests)."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION xilian_auditlog_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只能追加，不能修改';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER xilian_auditlog_no_update BEFORE UPDATE ON xilian_auditlog
    FOR EACH ROW EXECUTE FUNCTION xilian_auditlog_refuse_update();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS xilian_auditlog_no_update ON xilian_auditlog;
DROP FUNCTION IF EXISTS xilian_auditlog_refuse_update();
"""
SQLITE_UP = """
CREATE TRIGGER xilian_auditlog_no_update BEFORE UPDATE ON xilian_auditlog
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS xilian_auditlog_no_update;"


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("xilian", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
