"""The database trigger that refuses UPDATE on the audit log, so that even raw SQL cannot rewrite history.
Installed by migration 0002 and again after every migrate: SQLite drops a table's triggers whenever a migration
rebuilds the table. DELETE is refused by the model and its queryset; at the database level it is left to the DBA
(test databases are emptied between tests)."""

POSTGRES = """
CREATE OR REPLACE FUNCTION xilian_auditlog_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只能追加，不能修改';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS xilian_auditlog_no_update ON xilian_auditlog;
CREATE TRIGGER xilian_auditlog_no_update BEFORE UPDATE ON xilian_auditlog
    FOR EACH ROW EXECUTE FUNCTION xilian_auditlog_refuse_update();
"""
SQLITE = """
CREATE TRIGGER IF NOT EXISTS xilian_auditlog_no_update BEFORE UPDATE ON xilian_auditlog
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改');
END;
"""


def install_audit_trigger(connection):
    sql = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(connection.vendor)
    if sql and "xilian_auditlog" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(sql)
