"""Importing ledgers: every sample file, every habit of real files, all-or-nothing, no duplicates, audit."""

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F
from django_scopes import scope, scopes_disabled
from openpyxl import Workbook

from disputes.ledgers import DisputeResource, TicketResource
from disputes.models import Dispute, Ticket
from publicity.ledgers import EventResource, StudyResource
from publicity.models import Event, Study
from xilian.ledger import resources
from xilian.ledger.preview import preview_data, rows_from_preview
from xilian.ledger.reading import FileRefused
from xilian.ledger.services import ledger_import
from xilian.models import AuditLog

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent / "samples"
TICKET_HEADER = ["工单编号", "受理时间", "诉求类型", "诉求标题", "诉求内容", "所属村（社区）", "办结时间", "工单状态"]


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode(encoding)


def ticket_row(number, received="2021/1/27 14:54", village="迈谷村", closed="2021/2/3 10:00", state="已办结"):
    return [number, received, "建议", "垃圾清运不及时", "群众反映垃圾清运不及时。", village, closed, state]


def run(resource_class, township, content, *, commit=True, user=None):
    with scope(township=township):
        return ledger_import(
            resource=resource_class(township), content=content, filename="台账.xlsx", user=user, dry_run=not commit
        )


def count(model, township):
    with scope(township=township):
        return model.objects.count()


@pytest.mark.parametrize(
    ("resource_class", "model", "sample", "rows"),
    [
        (TicketResource, Ticket, "12345工单_西连镇_2021.xlsx", 94),
        (TicketResource, Ticket, "12345工单_西连镇_2021.csv", 94),
        (DisputeResource, Dispute, "矛盾纠纷台账_西连镇_2021.xlsx", 118),
        (EventResource, Event, "普法活动_西连镇_2021.xlsx", 9),
        (StudyResource, Study, "学法记录_西连镇_2021.xlsx", 16),
    ],
)
def test_every_sample_imports_and_a_second_import_changes_nothing(demo, resource_class, model, sample, rows):
    content = (SAMPLES / sample).read_bytes()
    first = run(resource_class, demo.xilian, content)
    assert (first.is_clean, first.new, first.updated) == (True, rows, 0), [str(e) for e in first.errors[:5]]
    second = run(resource_class, demo.xilian, content)
    assert (second.new, second.updated, second.unchanged) == (0, 0, rows)
    assert count(model, demo.xilian) == rows


def test_the_sample_figures_match_the_seed_report(demo):
    run(TicketResource, demo.xilian, (SAMPLES / "12345工单_西连镇_2021.xlsx").read_bytes())
    run(DisputeResource, demo.xilian, (SAMPLES / "矛盾纠纷台账_西连镇_2021.xlsx").read_bytes())
    with scope(township=demo.xilian):
        assert Ticket.objects.filter(state=Ticket.State.CLOSED).count() == 94
        assert Dispute.objects.filter(state=Dispute.State.RESOLVED).count() == 106
        assert Ticket.objects.filter(caller_phone="139****6138").exists()
        assert not Ticket.objects.filter(caller_phone__regex=r"^\d{11}$").exists()


def test_imported_disputes_sort_by_case_number_as_numbers(demo):
    run(DisputeResource, demo.xilian, (SAMPLES / "矛盾纠纷台账_西连镇_2021.xlsx").read_bytes())
    with scope(township=demo.xilian):
        numbers = list(Dispute.objects.order_by("-case_sort", "pk").values_list("case_number", flat=True))
    assert numbers == [f"（2021）西连调字第{serial}号" for serial in range(118, 0, -1)]


def test_the_error_sample_is_refused_whole_with_every_bad_row_named(demo):
    report = run(TicketResource, demo.xilian, (SAMPLES / "12345工单_错误示例.xlsx").read_bytes())
    assert [str(e) for e in report.errors] == [
        "第3行「受理时间」：2021-13-05 09:00 不是有效日期",
        "第4行「所属村（社区）」：不存在村 不是西连镇的村（社区）",
        "第5行「工单编号」：不能为空",
        "第6行「工单编号」：XW202101270001 与第2行重复",
        "第7行「办结时间」：2021-01-01 09:10 办结时间（2021-01-01 09:10）不能早于受理时间（2021-01-04 09:10）",
        "第8行「诉求类型」：催办 不是可选的值（可选：咨询/求助/投诉/举报/建议）",
    ]
    assert not report.committed and count(Ticket, demo.xilian) == 0


def test_the_command_prints_the_same_messages_and_exits_1(demo, capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("import_records", "tickets", str(SAMPLES / "12345工单_错误示例.xlsx"), township="西连镇")
    assert exited.value.code == 1
    assert "第8行「诉求类型」：催办 不是可选的值" in capsys.readouterr().err
    assert count(Ticket, demo.xilian) == 0


def test_the_command_imports_by_township_code_and_dry_runs(demo, capsys):
    sample = str(SAMPLES / "矛盾纠纷台账_西连镇_2021.xlsx")
    call_command("import_records", "disputes", sample, township=demo.xilian.code, dry_run=True)
    assert "新增118" in capsys.readouterr().out and count(Dispute, demo.xilian) == 0
    call_command("import_records", "disputes", sample, township=demo.xilian.code)
    assert count(Dispute, demo.xilian) == 118


def test_an_overlapping_later_export_updates_and_adds_without_duplicates(demo):
    run(
        TicketResource,
        demo.xilian,
        xlsx([TICKET_HEADER, ticket_row("XW1", closed="", state="办理中"), ticket_row("XW2")]),
    )
    later = run(
        TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1"), ticket_row("XW2"), ticket_row("XW3")])
    )
    assert (later.new, later.updated, later.unchanged) == (1, 1, 1)
    with scope(township=demo.xilian):
        assert Ticket.objects.get(ticket_number="XW1").state == Ticket.State.CLOSED
        assert Ticket.objects.count() == 3


def test_the_same_ticket_number_in_another_township_is_another_ticket(demo):
    content = xlsx([TICKET_HEADER, ticket_row("XW1", village="")])
    run(TicketResource, demo.xilian, content)
    assert run(TicketResource, demo.maichen, content).new == 1


def test_a_village_of_another_township_is_refused(demo):
    report = run(TicketResource, demo.maichen, xlsx([TICKET_HEADER, ticket_row("XW1", village="迈谷村")]))
    assert [str(e) for e in report.errors] == ["第2行「所属村（社区）」：迈谷村 不是迈陈镇的村（社区）"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_every_encoding_imports(demo, encoding):
    report = run(TicketResource, demo.xilian, csv_bytes([TICKET_HEADER, ticket_row("XW1")], encoding))
    assert report.new == 1


def test_a_file_with_the_habits_of_real_ledgers_imports(demo):
    header = [
        "诉求内容 ",
        "工单编号",
        "所属村(社区)",
        "受理时间",
        "诉求类型",
        "诉求标题",
        "不认识的列",
        "办结时间",
        "工单状态",
    ]
    rows = [
        ["徐闻县12345工单明细表"],
        header,
        ["内容一", 202101270001.0, "迈谷村委会", datetime(2021, 1, 27, 14, 54), "建议", "标题", "x", 44230.5, "已办结"],
        [None] * 9,
        ["内容二", "ＸＷ２０２１０２", "海滨社区居委会", "2021年2月1日", "咨询", "标题", "", "2021-02-02", "已办结"],
        ["内容三", "XW3", "", "2021-02-03 09:00", "投诉", "标题", "", "", "办理中"],
        ["合计", "3件"],
    ]
    report = run(TicketResource, demo.xilian, xlsx(rows))
    assert report.is_clean, [str(e) for e in report.errors]
    assert (report.total_rows, report.new) == (3, 3)
    with scope(township=demo.xilian):
        first = Ticket.objects.get(ticket_number="202101270001")
        assert first.village.name == "迈谷村" and first.closed_at.date().isoformat() == "2021-02-03"
        assert Ticket.objects.get(ticket_number="XW202102").village.name == "海滨社区"


def test_a_missing_required_column_is_one_clear_message(demo):
    with pytest.raises(FileRefused, match="缺少必需的列：诉求类型"):
        run(TicketResource, demo.xilian, xlsx([["工单编号", "受理时间", "诉求标题", "诉求内容"], ["XW1"]]))


def test_a_file_of_another_ledger_is_told_so(demo):
    with pytest.raises(FileRefused, match="找不到12345工单台账的表头"):
        run(TicketResource, demo.xilian, (SAMPLES / "学法记录_西连镇_2021.xlsx").read_bytes())


def test_a_deadline_is_computed_in_working_days_unless_the_file_gives_one(demo):
    header = [*TICKET_HEADER, "办理时限"]
    report = run(
        TicketResource,
        demo.xilian,
        xlsx(
            [
                header,
                [*ticket_row("XW1", received="2021-09-30 10:00", closed="", state="办理中"), ""],
                [*ticket_row("XW2", received="2021-09-30 10:00", closed="", state="办理中"), "2021-10-22"],
            ]
        ),
    )
    assert report.is_clean
    with scope(township=demo.xilian):
        computed, given = Ticket.objects.get(ticket_number="XW1"), Ticket.objects.get(ticket_number="XW2")
    # 建议: 10 working days after 9月30日, past 国庆 and with 10月9日 (a 调休 Saturday) a working day.
    assert (computed.deadline.isoformat(), computed.deadline_given) == ("2021-10-20", False)
    assert (given.deadline.isoformat(), given.deadline_given) == ("2021-10-22", True)


def test_events_and_studies_get_their_forms_laws_and_key_dates(demo):
    run(EventResource, demo.xilian, (SAMPLES / "普法活动_西连镇_2021.xlsx").read_bytes())
    run(StudyResource, demo.xilian, (SAMPLES / "学法记录_西连镇_2021.xlsx").read_bytes())
    with scope(township=demo.xilian):
        constitution = Event.objects.get(name="国家宪法日宪法宣传")
        assert constitution.key_date == "1204"
        assert sorted(f.name for f in constitution.forms.all()) == ["宪法宣誓", "街头宣传"]
        assert Event.objects.get(name="防范电信网络诈骗宣传").village is None
        study = Study.objects.get(date="2021-03-30")
        assert study.form == Study.Form.COLLECTIVE
        assert [law.name for law in study.laws.all()] == ["《中华人民共和国土地管理法》"]
        assert Study.objects.filter(chaired_by_principal=True).count() == 16


def test_an_import_is_audited_with_the_file_digest_and_each_record(demo, staff):
    run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1"), ticket_row("XW2")]), user=staff)
    run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1", closed="2021/2/4 10:00")]), user=staff)
    with scopes_disabled():
        imports = AuditLog.objects.filter(action=AuditLog.Action.IMPORT).order_by("id")
        assert [(i.detail["新增"], i.detail["更新"]) for i in imports] == [(2, 0), (0, 1)]
        assert len(imports[0].detail["SHA-256"]) == 64 and imports[0].username == "xilian_staff"
        created = AuditLog.objects.filter(action=AuditLog.Action.CREATE, username="xilian_staff")
        assert created.count() == 2 and created[0].detail == {"导入批次": imports[0].pk}
        update = AuditLog.objects.get(action=AuditLog.Action.UPDATE)
        assert list(update.changes) == ["closed_at"]
        assert "13907126138" not in str(list(AuditLog.objects.values_list("changes", "detail")))


def test_a_platforms_own_subject_category_is_kept_as_written(demo):
    header = [*TICKET_HEADER, "事项分类", "来源渠道"]
    run(TicketResource, demo.xilian, xlsx([header, [*ticket_row("XW1"), "劳动就业", "粤省事"]]))
    with scope(township=demo.xilian):
        ticket = Ticket.objects.get(ticket_number="XW1")
    assert (ticket.subject, ticket.channel) == ("劳动就业", Ticket.Channel.OTHER)


def test_resources_of_two_townships_share_no_villages(demo):
    with scope(township=demo.xilian):
        xilian = TicketResource(demo.xilian)
    with scope(township=demo.maichen):
        maichen = TicketResource(demo.maichen)
    assert xilian.fields["village"].widget.clean("迈谷村").township == demo.xilian
    with pytest.raises(ValueError, match="不是迈陈镇的村"):
        maichen.fields["village"].widget.clean("迈谷村")


def test_progress_hears_each_stage_start_and_rising_counts(demo, monkeypatch):
    monkeypatch.setattr(resources, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(resources, "BATCH_ROWS", 3)
    heard = []
    content = xlsx([TICKET_HEADER, *(ticket_row(f"XW{n}") for n in range(7))])
    with scope(township=demo.xilian):
        report = ledger_import(resource=TicketResource(demo.xilian), content=content, filename="台账.xlsx",
                               dry_run=False, progress=lambda *call: heard.append(call))
    assert report.committed and count(Ticket, demo.xilian) == 7
    assert heard == [
        ("读取文件", 0, None),
        ("检查", 0, 8), ("检查", 2, 8), ("检查", 4, 8), ("检查", 6, 8), ("检查", 8, 8),
        ("写入", 0, 7), ("写入", 3, 7), ("写入", 6, 7), ("写入", 7, 7),
    ]


def test_batches_written_before_a_changed_record_is_met_are_rolled_back(demo, monkeypatch):
    monkeypatch.setattr(resources, "BATCH_ROWS", 1)
    run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW2")]))
    content = xlsx([TICKET_HEADER, ticket_row("XW0"), ticket_row("XW1"), ticket_row("XW2", village="东岭村")])
    kept = json.loads(json.dumps(preview_data(run(TicketResource, demo.xilian, content, commit=False))))
    with scope(township=demo.xilian):
        Ticket.objects.filter(ticket_number="XW2").update(version=F("version") + 1)
        resource = TicketResource(demo.xilian)
        report = ledger_import(resource=resource, content=content, filename="台账.xlsx", dry_run=False,
                               rows=rows_from_preview(resource, kept), expected=kept["matched"])
        assert not report.committed and [(e.row, e.column) for e in report.errors] == [(4, "工单编号")]
        assert list(Ticket.objects.values_list("ticket_number", flat=True)) == ["XW2"]
