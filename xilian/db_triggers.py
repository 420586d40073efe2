"""The database triggers that keep the audit log append-only, so that even raw SQL cannot rewrite history.
Installed by migrations 0002 and 0009 and again after every migrate: SQLite drops a table's triggers whenever a
migration rebuilds the table.

UPDATE is always refused. DELETE is refused except through one narrow, explicit path, `audit_removal_permitted`,
which only the retention service (xilian/audit_retention.py) opens, for the length of one transaction:
- PostgreSQL: the trigger lets a row go only while the transaction has set `xilian.audit_removal` to 'on'
  (SET LOCAL: gone at commit or rollback, invisible to every other session).
- SQLite has no session variables: the trigger asks a function, xilian_audit_removal_permitted(), which every
  connection Django opens gets (see register_sqlite_functions) and which answers from a context variable set only
  inside the permit. Any other client (the sqlite3 shell) has no such function, so its DELETE fails as well.
TRUNCATE (PostgreSQL) is not a row delete and is left to the database administrator: it is how Django empties a
test database."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

REMOVAL_SETTING = "xilian.audit_removal"

POSTGRES = f"""
CREATE OR REPLACE FUNCTION xilian_auditlog_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计日志只能追加，不能修改';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS xilian_auditlog_no_update ON xilian_auditlog;
CREATE TRIGGER xilian_auditlog_no_update BEFORE UPDATE ON xilian_auditlog
    FOR EACH ROW EXECUTE FUNCTION xilian_auditlog_refuse_update();
CREATE OR REPLACE FUNCTION xilian_auditlog_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('{REMOVAL_SETTING}', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计日志只能追加，不能删除（过期日志只能由 audit_retention 命令导出后清理）';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS xilian_auditlog_no_delete ON xilian_auditlog;
CREATE TRIGGER xilian_auditlog_no_delete BEFORE DELETE ON xilian_auditlog
    FOR EACH ROW EXECUTE FUNCTION xilian_auditlog_refuse_delete();
"""
SQLITE = [  # one statement each: Django's SQLite cursor runs one at a time
    """CREATE TRIGGER IF NOT EXISTS xilian_auditlog_no_update BEFORE UPDATE ON xilian_auditlog
    BEGIN
        SELECT RAISE(ABORT, '审计日志只能追加，不能修改');
    END;""",
    """CREATE TRIGGER IF NOT EXISTS xilian_auditlog_no_delete BEFORE DELETE ON xilian_auditlog
    WHEN NOT xilian_audit_removal_permitted()
    BEGIN
        SELECT RAISE(ABORT, '审计日志只能追加，不能删除（过期日志只能由 audit_retention 命令导出后清理）');
    END;""",
]
POSTGRES_DELETE_DOWN = """
DROP TRIGGER IF EXISTS xilian_auditlog_no_delete ON xilian_auditlog;
DROP FUNCTION IF EXISTS xilian_auditlog_refuse_delete();
"""
SQLITE_DELETE_DOWN = "DROP TRIGGER IF EXISTS xilian_auditlog_no_delete;"

_removal_permitted = ContextVar("audit_removal_permitted", default=False)


def install_audit_trigger(connection):
    if "xilian_auditlog" not in connection.introspection.table_names():
        return
    statements = {"postgresql": [POSTGRES], "sqlite": SQLITE}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def register_sqlite_functions(sender, connection, **kwargs):
    """connection_created: the function the SQLite DELETE trigger asks."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "xilian_audit_removal_permitted", 0, lambda: int(_removal_permitted.get())
        )


@contextmanager
def audit_removal_permitted(connection):
    """The one way past the DELETE trigger: audit rows may be deleted inside this block, in one transaction. Only
    the retention service opens it."""
    with transaction.atomic(using=connection.alias):
        _set_removal(connection, "on")
        token = _removal_permitted.set(True)
        try:
            yield
        finally:
            _removal_permitted.reset(token)
        # Reached without an error only (an error rolls the block back, and the setting with it): SET LOCAL would
        # otherwise last to the end of the outermost transaction, which may be wider than this block.
        _set_removal(connection, "off")


def _set_removal(connection, value):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [REMOVAL_SETTING, value])  # true: this transaction
