"""Benchmark: import 20,000 12345 工单 rows from an .xlsx into PostgreSQL, preview + commit with every check and the
upsert by 工单编号, against django-import-export's own import (per-row, and its bulk mode) on the same file.

    make bench          (or: python -m bench.import_tickets [--rows N])

Each contender runs in a fresh process on a freshly migrated test database, so times and peak memory (max RSS of
that process) are its own. Target: ours ≤ 5 s and ≤ 500 MB, and faster than both library modes."""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fazhitong_bench")

HEADERS = [
    "工单编号",
    "受理时间",
    "来源渠道",
    "诉求类型",
    "事项分类",
    "诉求标题",
    "诉求内容",
    "诉求人",
    "联系电话",
    "所属村（社区）",
    "承办单位",
    "办理时限",
    "办结时间",
    "工单状态",
    "回访满意度",
]
VILLAGES = [
    "西连村",
    "迈谷村",
    "边板村",
    "北海村",
    "龙腋村",
    "大井村",
    "英邱村",
    "龙耳村",
    "新村村",
    "南山村",
    "东岭村",
    "后坑村",
    "田头村",
    "港口村",
    "海滨社区",
    "西连社区",
]
TYPES = [("咨询", 2), ("求助", 10), ("建议", 10), ("投诉", 15), ("举报", 15)]
SUBJECTS = ["环境保护", "市场监管", "城乡建设", "社会保障", "交通运输", "农业农村"]
SATISFACTION = ["满意", "满意", "满意", "基本满意", "不满意", "未回访"]


def ticket_rows(rows):
    """The platform's export of `rows` tickets: a title row, the headers, then the tickets (the same for a seed)."""
    rng = random.Random(2021)
    yield ["徐闻县12345政务服务便民热线工单明细表（西连镇）"]
    yield HEADERS
    start = datetime(2021, 1, 4, 8, 0)
    for n in range(1, rows + 1):
        received = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 360))
        request_type, days = rng.choice(TYPES)
        village = rng.choice(VILLAGES)
        subject = rng.choice(SUBJECTS)
        yield [
            f"XW{received:%Y%m%d}{n:06d}",
            received,
            rng.choice(["电话", "网站", "微信"]),
            request_type,
            subject,
            f"{subject}问题",
            f"{village}群众反映{subject}问题，请相关部门核实处理。",
            "林霞勇",
            f"139{rng.randrange(10**8):08d}",
            village,
            "西连镇人民政府",
            received + timedelta(days=days + 4),
            received + timedelta(days=rng.randrange(1, days + 3), hours=3),
            "已办结",
            rng.choice(SATISFACTION),
        ]


def generate_xlsx(rows, path):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("工单")
    for cells in ticket_rows(rows):
        sheet.append(cells)
    workbook.save(path)


def _setup_django():
    import django

    django.setup()
    from django.test.utils import setup_databases

    return setup_databases(verbosity=0, interactive=False)


def _township():
    from django_scopes import scopes_disabled

    from xilian.demo import load_organisation
    from xilian.models import Township

    with scopes_disabled():
        load_organisation()
        return Township.objects.get(name="西连镇")


def run_ours(path):
    """What the web flow does: preview (read, clean, check every row against the model's rules, match), keep the
    cleaned rows and matches as JSON (as the upload view stores them), then confirm (read them back, lock and match
    again, compare versions, write records, steps and audit rows in one transaction)."""
    from django_scopes import scope

    from disputes.ledgers import TicketResource
    from xilian.ledger.preview import preview_data, rows_from_preview
    from xilian.ledger.services import ledger_import
    from xilian.models import PreviewEncoder

    township = _township()
    content = Path(path).read_bytes()
    started = time.perf_counter()
    with scope(township=township):
        preview = ledger_import(resource=TicketResource(township), content=content, filename="bench.xlsx")
        assert preview.is_clean, [str(e) for e in preview.errors[:5]]
        kept = json.loads(json.dumps(preview_data(preview), cls=PreviewEncoder))  # as the JSONField stores it
        resource = TicketResource(township)
        committed = ledger_import(
            resource=resource, content=content, rows=rows_from_preview(resource, kept), expected=kept["matched"],
            filename="bench.xlsx", dry_run=False,
        )
    elapsed = time.perf_counter() - started
    return elapsed, {"new": committed.new, "errors": len(committed.errors)}


def run_library(path, bulk):
    """django-import-export's own import_data on the same declared resource (columns, widgets, key)."""
    import tablib
    from django_scopes import scope
    from import_export.instance_loaders import ModelInstanceLoader

    from disputes.ledgers import TicketResource
    from disputes.models import Ticket

    township = _township()

    class LibraryTicketResource(TicketResource):
        class Meta(TicketResource.Meta):
            import_id_fields = TicketResource.key
            use_bulk = bulk
            batch_size = 1000
            skip_diff = bulk
            force_init_instance = bulk
            instance_loader_class = ModelInstanceLoader

        def init_instance(self, row=None):
            return Ticket()

        def get_queryset(self):
            return Ticket.objects.all()

        def before_save_instance(self, instance, row, **kwargs):
            instance.township = township
            values = {f.attribute: getattr(instance, f.attribute, None) for f in self.columns()}
            self.check_row(values)  # the same cross-column rules and derived values (deadline) as ours
            for name, value in self.model_values(values).items():
                setattr(instance, name, value)

    content = Path(path).read_bytes()
    started = time.perf_counter()
    data = tablib.Dataset().load(io.BytesIO(content), format="xlsx", headers=True, skip_lines=1)  # title row
    with scope(township=township):
        result = LibraryTicketResource(township).import_data(data, dry_run=False, use_transactions=True)
    elapsed = time.perf_counter() - started
    return elapsed, {"new": result.totals.get("new"), "errors": len(result.row_errors())}


def contender(name, path):
    old_config = _setup_django()
    try:
        runner = {
            "ours": run_ours,
            "library-per-row": lambda p: run_library(p, False),
            "library-bulk": lambda p: run_library(p, True),
        }[name]
        elapsed, details = runner(path)
    finally:
        from django.test.utils import teardown_databases

        teardown_databases(old_config, verbosity=0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"name": name, "seconds": elapsed, "peak_mb": peak_mb, **details}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--contender")
    parser.add_argument("--file")
    parser.add_argument("--skip-per-row", action="store_true", help="skip the ~80 s per-row library run")
    args = parser.parse_args()
    if args.contender:
        contender(args.contender, args.file)
        return
    path = ROOT / "test-artifacts" / f"bench-tickets-{args.rows}.xlsx"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        generate_xlsx(args.rows, path)
    print(
        f"file: {path.name} ({path.stat().st_size / 1024 / 1024:.1f} MB, {args.rows} rows), "
        f"database: {os.environ['DATABASE_URL'].split('@')[-1]}"
    )
    names = ["ours", "library-bulk"] + ([] if args.skip_per_row else ["library-per-row"])
    results = {}
    for name in names:
        output = subprocess.run(
            [sys.executable, "-m", "bench.import_tickets", "--contender", name, "--file", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if output.returncode != 0:
            print(f"{name}: failed\n{output.stderr[-3000:]}")
            continue
        results[name] = json.loads(output.stdout.strip().splitlines()[-1])
        r = results[name]
        print(f"{name:<16} {r['seconds']:7.2f} s   peak {r['peak_mb']:6.0f} MB   new={r['new']} errors={r['errors']}")
    if "ours" in results:
        ours = results["ours"]["seconds"]
        for name in names[1:]:
            if name in results:
                print(f"ours is {results[name]['seconds'] / ours:.1f}x faster than {name}")
        verdict = "PASS" if ours <= 5 and results["ours"]["peak_mb"] <= 500 else "FAIL"
        print(f"target ≤ 5 s and ≤ 500 MB: {verdict}")


if __name__ == "__main__":
    main()
