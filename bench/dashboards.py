"""Benchmark: the township 工作台 and the county dashboard on a county of 17 townships, in PostgreSQL.

    make bench          (or: python -m bench.dashboards [--runs N] [--sizes 10000 200000])

For each size (12345 tickets in the county; disputes, events and studies in proportion: 200,000 tickets come with
40,000 disputes and 5,000 events over three years), the records are generated with COPY, the tables analysed, and
each page is requested through the test client (server time, median of N after a warm-up, and its number of
queries). Django admin's changelist of the same tickets is the baseline. Targets: the 工作台 ≤ 150 ms and ≤ 15
queries, the county dashboard ≤ 400 ms, and 10,000 → 200,000 tickets costs each page ≤ 3×.

The database is a throwaway one (DATABASE_URL names it; Django creates test_<name> and drops it at the end)."""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fazhitong_dashboards_bench")

TOWNSHIPS = 17
VILLAGES_PER_TOWNSHIP = 15
PER_TICKET = {"disputes": 40_000 / 200_000, "events": 5_000 / 200_000, "studies": 2_000 / 200_000}
TARGETS = {"township_ms": 150, "township_queries": 15, "county_ms": 400, "ratio": 3.0}
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
RECORD_TABLES = ["disputes_supervision", "disputes_ticketstep", "disputes_disputestep", "disputes_handlingnote",
                 "disputes_ticket", "disputes_dispute", "publicity_event_forms", "publicity_event",
                 "publicity_study_laws", "publicity_study"]


def setup():
    import django

    django.setup()
    from django.contrib import admin
    from django.test.utils import setup_databases

    from disputes.models import Ticket

    @admin.register(Ticket)
    class TicketAdmin(admin.ModelAdmin):  # the baseline only: the portal's admin holds no business records
        list_display = ["ticket_number", "title", "township", "state", "received_at", "deadline"]
        list_select_related = ["township"]

    return setup_databases(verbosity=0, interactive=False)


def organisation():
    """The demo county with 15 more townships of 15 villages each, the users, and a bench superuser."""
    from django_scopes import scopes_disabled

    from disputes.models import seed_dispute_categories
    from xilian.demo import load_organisation, load_users
    from xilian.models import Township, User, Village
    from xilian.roles import Role

    with scopes_disabled():
        county = load_organisation()
        seed_dispute_categories(county)
        for n in range(TOWNSHIPS - county.townships.count()):
            township = Township.objects.create(county=county, name=f"测试{n + 1}镇", code=f"{county.code}{120 + n}")
            Village.objects.bulk_create(Village(township=township, name=f"测试{v + 1}村",
                                                code=f"{township.code}{201 + v:03d}")
                                        for v in range(VILLAGES_PER_TOWNSHIP))
        load_users(county, "Bench@2021")
        User.objects.create_superuser("bench_admin", password="Bench@2021", role=Role.ADMIN)
    return county


def generate(county, tickets):
    """`tickets` tickets, and disputes, events and studies in proportion, over this year and the two before."""
    from django.db import connection
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from disputes.models import Dispute, Ticket, case_number_sort_key
    from publicity.models import Event, Study
    from xilian.ledger.bulk import insert_rows

    rng = random.Random(tickets)
    now = timezone.now()
    start = timezone.make_aware(datetime(now.year - 2, 1, 1))
    with scopes_disabled():
        townships = list(county.townships.prefetch_related("villages"))
        categories = list(county.dispute_categories.values_list("pk", flat=True))
    villages = {t.pk: [v.pk for v in t.villages.all()] for t in townships}
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(RECORD_TABLES)} CASCADE")

    def moment():
        return start + timedelta(seconds=rng.randrange(int((now - start).total_seconds())))

    insert_rows(Ticket, [_ticket(rng, n, rng.choice(townships), villages, moment(), now) for n in range(tickets)])
    disputes = round(tickets * PER_TICKET["disputes"])
    insert_rows(Dispute, [_dispute(rng, n, rng.choice(townships), villages, categories, moment(), now,
                                   case_number_sort_key) for n in range(disputes)])
    insert_rows(Event, [_event(rng, n, rng.choice(townships), moment())
                        for n in range(round(tickets * PER_TICKET["events"]))])
    insert_rows(Study, [_study(rng, townships[n % len(townships)], start + timedelta(days=n // len(townships)))
                        for n in range(round(tickets * PER_TICKET["studies"]))])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _ticket(rng, n, township, villages, received, now):
    from disputes.models import RequestType, Satisfaction, Ticket

    request_type = rng.choice(list(RequestType))
    deadline = (received + timedelta(days={"consultation": 3}.get(request_type, 14))).date()
    row = {"township_id": township.pk, "ticket_number": f"B{n:09d}", "received_at": received,
           "request_type": request_type, "title": "群众诉求", "content": "诉求内容", "deadline": deadline,
           "village_id": rng.choice(villages[township.pk]), "state": Ticket.State.SIGNED, "signed_at": received}
    roll = rng.random()
    closed_at = received + timedelta(hours=rng.randrange(2, 24 * 20))
    if roll < 0.05:
        row.update(state=Ticket.State.RETURNED, returned_at=received + timedelta(hours=3), return_reason="非本镇事权")
    elif roll < 0.93 and closed_at < now:
        row.update(state=Ticket.State.CLOSED, closed_at=closed_at, reply="已答复")
        if rng.random() < 0.7 and closed_at + timedelta(days=1) < now:
            row.update(satisfaction=rng.choice([Satisfaction.SATISFIED] * 6 + [Satisfaction.FAIRLY_SATISFIED,
                                                                               Satisfaction.DISSATISFIED]),
                       survey_method="phone", surveyed_at=closed_at + timedelta(days=1))
    return row


def _dispute(rng, n, township, villages, categories, received, now, sort_key):
    from disputes.models import Dispute

    case_number = f"（{received.year}）{township.name}调字第{n + 1}号"
    row = {"township_id": township.pk, "case_number": case_number, "case_sort": sort_key(case_number),
           "received_on": received.date(), "category_id": rng.choice(categories), "parties": "甲、乙",
           "village_id": rng.choice(villages[township.pk]), "summary": "纠纷简要情况",
           "state": rng.choice([Dispute.State.REGISTERED, Dispute.State.MEDIATING])}
    resolved_on = received.date() + timedelta(days=rng.randrange(1, 60))
    roll = rng.random()
    if roll < 0.85 and resolved_on <= now.date():
        row.update(state=Dispute.State.RESOLVED, resolved_on=resolved_on,
                   resolution_method=Dispute.ResolutionMethod.PEOPLE_MEDIATION)
    elif roll < 0.88:
        row.update(state=Dispute.State.UNRESOLVED)
    return row


def _event(rng, n, township, day):
    return {"township_id": township.pk, "date": day.date(), "name": f"普法宣传活动{n}", "theme": "宪法宣传",
            "place": "文化室", "organiser": f"{township.name}司法所", "participants": rng.randrange(20, 300)}


def _study(rng, township, day):
    """One a day in each township (a township holds one study of a form a day)."""
    return {"township_id": township.pk, "date": day.date(), "form": "collective", "speaker": "主讲人", "hours": 2,
            "chair": "主持人", "chaired_by_principal": rng.random() < 0.3, "attendees": rng.randrange(10, 40)}


def measure(client, url, runs, *, unscoped=False):
    """(median server time in ms, queries of one request) of GET `url`, after one warm-up request. Queries are the
    SQL statements sent, less the BEGIN/COMMIT around the session's save (every request saves it: idle logout)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    def get():
        if unscoped:
            with scopes_disabled():
                return client.get(url)
        return client.get(url)

    response = get()
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        get()
    queries = [q for q in captured.captured_queries if q["sql"].split()[0].upper() not in TRANSACTION_CONTROL]
    return statistics.median(times), len(queries)


def measure_size(county, tickets, runs):
    from django.test import Client

    from xilian.models import User

    started = time.perf_counter()
    generate(county, tickets)
    print(f"  generated {tickets:,} tickets and their disputes, events, studies in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    township = county.townships.get(name="西连镇")
    clients = {}
    for username in ("xilian_leader", "county_office", "bench_admin"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    return {
        "township": measure(clients["xilian_leader"], f"/t/{township.code}/", runs),
        "county": measure(clients["county_office"], "/county/", runs),
        "admin": measure(clients["bench_admin"], "/admin/disputes/ticket/", runs, unscoped=True),
    }


def verdict(ok):
    return "PASS" if ok else "FAIL"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 200_000], metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    old_config = setup()
    try:
        from django.db import connection

        print(f"dashboards: {TOWNSHIPS} townships, database {connection.settings_dict['NAME']} "
              f"(PostgreSQL {connection.pg_version // 10000}), median of {args.runs} requests", flush=True)
        county = organisation()
        results = {size: measure_size(county, size, args.runs) for size in args.sizes}
    finally:
        from django.test.utils import teardown_databases

        teardown_databases(old_config, verbosity=0)
    report(results, args.sizes)


def report(results, sizes):
    small, large = (results[size] for size in sizes)
    print(f"\n{'page':<28}{f'{sizes[0]:,} tickets':>22}{f'{sizes[1]:,} tickets':>22}{'ratio':>8}")
    labels = {"township": "工作台 (xilian_leader)", "county": "全县概览 (county_office)",
              "admin": "admin changelist (baseline)"}
    for key, label in labels.items():
        (small_ms, small_q), (large_ms, large_q) = small[key], large[key]
        print(f"{label:<28}{small_ms:>12.1f} ms {small_q:>3} q{large_ms:>12.1f} ms {large_q:>3} q"
              f"{large_ms / small_ms:>7.1f}×")
    township_ms, township_q = large["township"]
    county_ms = large["county"][0]
    checks = [
        (f"工作台 ≤ {TARGETS['township_ms']} ms at {sizes[1]:,} tickets ({township_ms:.1f} ms)",
         township_ms <= TARGETS["township_ms"]),
        (f"工作台 ≤ {TARGETS['township_queries']} queries ({township_q})", township_q <= TARGETS["township_queries"]),
        (f"全县概览 ≤ {TARGETS['county_ms']} ms at {sizes[1]:,} tickets ({county_ms:.1f} ms)",
         county_ms <= TARGETS["county_ms"]),
    ]
    for key in ("township", "county"):
        ratio = large[key][0] / small[key][0]
        checks.append((f"{labels[key]}: {sizes[0]:,} → {sizes[1]:,} tickets ≤ {TARGETS['ratio']:g}× ({ratio:.1f}×)",
                       ratio <= TARGETS["ratio"]))
    print()
    for text, ok in checks:
        print(f"{verdict(ok)}  {text}")
    if not all(ok for _, ok in checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
