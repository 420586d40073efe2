import pytest
from django.core.servers.basehttp import WSGIServer
from django_scopes import scopes_disabled

from disputes.workdays import forget_cached
from xilian.db_triggers import audit_removal_permitted
from xilian.demo import load_organisation, load_users

PASSWORD = "Test@Pass1"

# The headless Chromium fixtures (browser, page), one browser for the whole run.
pytest_plugins = ["tests.browser"]


class SerialWSGIServer(WSGIServer):
    """Django's WSGI server without threads, taking the live server's arguments (its thread already holds the shared
    connections)."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _one_live_request_at_a_time_on_sqlite():
    """On SQLite the live server's request threads share the test database's one in-memory connection, and two
    requests at once (a page and the fetch it starts) could hang on it: the live server then answers one request at
    a time (Django closes each connection, so no keep-alive holds it). PostgreSQL gives each thread its own."""
    from django.db import connection
    from django.test.testcases import LiveServerThread

    threaded = LiveServerThread.server_class
    if connection.vendor == "sqlite":
        LiveServerThread.server_class = SerialWSGIServer
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture(autouse=True, scope="session")
def _sqlite_flush_through_the_audit_permit():
    """After a transactional test Django empties an SQLite test database with DELETE, which the audit log's trigger
    refuses (PostgreSQL is emptied with TRUNCATE, which it lets through): the flush takes the one permit."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    SqliteOperations = DatabaseWrapper.ops_class
    original = SqliteOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with audit_removal_permitted(self.connection):
            original(self, sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SqliteOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(autouse=True)
def _fresh_work_calendar():
    """A test's CalendarDay rows are rolled back without a signal: no test sees the calendar another one cached."""
    forget_cached()


@pytest.fixture
def demo(db):
    """The demo county: 西连镇 and 迈陈镇 with their villages, and one user for each role."""
    with scopes_disabled():
        county = load_organisation()
        users = {user.username: user for user in load_users(county, PASSWORD)}
    return Demo(county, users)


class Demo:
    def __init__(self, county, users):
        self.county = county
        self.users = users
        self.xilian = county.townships.get(name="西连镇")
        self.maichen = county.townships.get(name="迈陈镇")

    def client_for(self, client, username):
        client.force_login(self.users[username])
        return client


@pytest.fixture
def staff(demo):
    return demo.users["xilian_staff"]
