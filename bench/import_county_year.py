"""Benchmark: a county's year of 12345 工单 — 200,000 rows, an .xlsx of 16 MB — imported into PostgreSQL as
the web flow does it: the preview (read, clean, check every row, match; its rows kept in the LedgerImport row),
then the confirm (the kept rows read back, locked, matched again, written with their audit rows).

    make bench          (or: python -m bench.import_county_year [--rows N])

The import runs in a fresh process on a throwaway database (DATABASE_URL names it; Django creates test_<name> and
drops it at the end), so the peak memory (max RSS of that process) is the import's own, Django included.
Target: preview + confirm ≤ 10 s and ≤ 400 MB."""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fazhitong_bench_year")

TARGET_SECONDS = 10
TARGET_MB = 400


def generate_xlsx(rows, path):
    """As Excel saves it, with shared strings: openpyxl's write-only mode writes every string inline, which for
    200,000 rows unzips to more than the importer's limit (MAX_UNZIPPED_BYTES)."""
    import xlsxwriter

    from bench.import_tickets import ticket_rows

    workbook = xlsxwriter.Workbook(str(path), {"default_date_format": "yyyy-mm-dd hh:mm"})
    sheet = workbook.add_worksheet("工单")
    for index, cells in enumerate(ticket_rows(rows)):
        sheet.write_row(index, 0, cells)
    workbook.close()


def run(path):
    """Preview, keep, confirm — timed apart. Returns (preview s, confirm s, counts)."""
    from django_scopes import scope

    from bench.import_tickets import _township
    from disputes.ledgers import TicketResource
    from xilian.ledger.preview import preview_data, rows_from_preview
    from xilian.ledger.services import ledger_import
    from xilian.models import LedgerImport, User
    from xilian.roles import Role

    township = _township()
    user = User.objects.create_user("bench_clerk", password="Bench@2021", role=Role.STAFF, township=township)
    content = Path(path).read_bytes()
    with scope(township=township):
        started = time.perf_counter()
        report = ledger_import(resource=TicketResource(township), content=content, filename=path.name, user=user)
        assert report.is_clean, [str(e) for e in report.errors[:5]]
        kept = LedgerImport(township=township, kind="tickets", original_name=path.name, sha256="-",
                            size=len(content), uploaded_by=user, stored_file="bench.upload",
                            preview=preview_data(report))
        kept.save()
        pk = kept.pk
        del report, kept  # the confirm is another request: nothing of the preview stays in memory
        previewed = time.perf_counter()
        kept = LedgerImport.objects.get(pk=pk)
        resource_ = TicketResource(township)
        committed = ledger_import(
            resource=resource_, content=content, filename=path.name, user=user,
            rows=rows_from_preview(resource_, kept.preview), expected=kept.preview["matched"], dry_run=False,
        )
        confirmed = time.perf_counter()
    return previewed - started, confirmed - previewed, {"new": committed.new, "errors": len(committed.errors)}


def measure(path):
    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        preview, confirm, counts = run(path)
    finally:
        teardown_databases(old_config, verbosity=0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"preview": preview, "confirm": confirm, "peak_mb": peak_mb, **counts}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--file", help="measure this file in this process (what the benchmark runs in a fresh one)")
    args = parser.parse_args()
    if args.file:
        measure(Path(args.file))
        return
    path = ROOT / "test-artifacts" / f"bench-county-year-{args.rows}.xlsx"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        generate_xlsx(args.rows, path)
    print(f"file: {path.name} ({path.stat().st_size / 1024 / 1024:.1f} MB, {args.rows:,} rows), "
          f"database: test_{os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}")
    output = subprocess.run([sys.executable, "-m", "bench.import_county_year", "--file", str(path)],
                            cwd=ROOT, capture_output=True, text=True)
    if output.returncode != 0:
        print(f"failed\n{output.stderr[-3000:]}")
        sys.exit(1)
    r = json.loads(output.stdout.strip().splitlines()[-1])
    total = r["preview"] + r["confirm"]
    print(f"preview {r['preview']:6.2f} s   confirm {r['confirm']:6.2f} s   total {total:6.2f} s   "
          f"peak {r['peak_mb']:5.0f} MB   new={r['new']} errors={r['errors']}")
    passed = total <= TARGET_SECONDS and r["peak_mb"] <= TARGET_MB and r["new"] == args.rows and not r["errors"]
    print(f"target ≤ {TARGET_SECONDS} s and ≤ {TARGET_MB} MB: {'PASS' if passed else 'FAIL'}")
    if not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
