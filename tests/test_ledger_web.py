"""The import pages (upload → preview → confirm), the template and the exports, as a clerk uses them."""

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from disputes.ledgers import DisputeResource, TicketResource
from disputes.models import Ticket
from publicity.ledgers import EventResource
from tests.test_ledger_import import TICKET_HEADER, csv_bytes, run, ticket_row, xlsx
from tests.test_ledger_rules import DISPUTE_HEADER, dispute_row
from xilian.ledger.preview import kept_rows
from xilian.ledger.reading import MAX_FILE_BYTES
from xilian.models import AuditLog, LedgerImport

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent / "samples"


def url(name, demo, kind="tickets", **extra):
    return reverse(name, kwargs={"township": demo.xilian.code, "kind": kind, **extra})


def upload(client, demo, content, name="工单.xlsx", kind="tickets"):
    return client.post(url("ledger_import", demo, kind), {"file": SimpleUploadedFile(name, content)}, follow=True)


@pytest.fixture
def clerk(client, staff):
    client.force_login(staff)
    return client


def test_a_clean_file_is_previewed_then_written_only_on_confirm(clerk, demo):
    preview = upload(clerk, demo, (SAMPLES / "12345工单_西连镇_2021.xlsx").read_bytes())
    page = preview.content.decode()
    assert "将新增" in page and "确认导入" in page
    assert preview.context["row"].counts == {"total_rows": 94, "new": 94, "updated": 0, "unchanged": 0, "errors": 0}
    with scope(township=demo.xilian):
        assert Ticket.objects.count() == 0
    row = preview.context["row"]
    done = clerk.post(url("ledger_import_confirm", demo, pk=row.pk), follow=True)
    assert "导入完成：新增94条" in done.content.decode()
    assert len(done.context["records"]) == 94
    with scope(township=demo.xilian):
        assert Ticket.objects.count() == 94
    again = clerk.post(url("ledger_import_confirm", demo, pk=row.pk), follow=True)  # a double click
    assert "该文件已经导入" in again.content.decode() and "导入完成：新增94条" not in again.content.decode()
    with scope(township=demo.xilian):
        assert Ticket.objects.count() == 94
    assert AuditLog.objects.filter(action=AuditLog.Action.IMPORT).count() == 1
    with scopes_disabled():
        assert LedgerImport.objects.get(pk=row.pk).preview is None  # the kept rows go once written


def test_a_bad_file_shows_every_row_and_offers_no_confirm(clerk, demo):
    preview = upload(clerk, demo, (SAMPLES / "12345工单_错误示例.xlsx").read_bytes())
    page = preview.content.decode()
    assert "有 6 处需要修改，整个文件都不会导入" in page
    assert "第8行「诉求类型」：催办 不是可选的值" in page and "确认导入" not in page
    row = preview.context["row"]
    assert (row.counts["new"], row.counts["updated"]) == (0, 0)  # nothing "将新增" in a file that will not import
    refused = clerk.post(url("ledger_import_confirm", demo, pk=row.pk), follow=True)
    assert "还有需要修改的行" in refused.content.decode()
    with scope(township=demo.xilian):
        assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.xlsx", "文件是空的"),
        (b"PK\x03\x04" + b"0" * 100, "broken.xlsx", "文件已损坏"),
        ((SAMPLES / "学法记录_西连镇_2021.xlsx").read_bytes(), "学法.xlsx", "找不到12345工单台账的表头"),
    ],
)
def test_a_file_that_cannot_be_read_gets_one_message_next_to_the_field(clerk, demo, content, name, message):
    page = upload(clerk, demo, content, name)
    assert page.status_code == 200 and message in page.content.decode()
    assert not LedgerImport.objects.exists()


def test_a_file_over_the_limit_is_refused_before_reading(clerk, demo):
    page = upload(clerk, demo, b"0" * (MAX_FILE_BYTES + 1), "big.csv")
    assert "文件太大" in page.content.decode() and not LedgerImport.objects.exists()


def test_the_preview_is_kept_as_json_data_and_a_stale_one_cannot_be_confirmed(clerk, demo):
    preview = upload(clerk, demo, xlsx([TICKET_HEADER, ticket_row("XW1")]))
    with scopes_disabled():
        row = LedgerImport.objects.get(pk=preview.context["row"].pk)
        LedgerImport.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=2))
    (kept,) = kept_rows(row.preview)
    assert kept["ticket_number"] == "XW1" and kept["village"] == demo.xilian.villages.get(name="迈谷村").pk
    upload(clerk, demo, xlsx([TICKET_HEADER, ticket_row("XW2")]))  # any later upload clears stale previews
    refused = clerk.post(url("ledger_import_confirm", demo, pk=row.pk), follow=True)
    assert "预览已过期" in refused.content.decode()
    with scope(township=demo.xilian):
        assert not Ticket.objects.exists()
        assert LedgerImport.objects.get(pk=row.pk).status == LedgerImport.Status.PREVIEWED


def test_a_record_changed_after_the_preview_stops_the_confirm_naming_its_row(clerk, demo):
    run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1")]))
    newer = xlsx([TICKET_HEADER, ticket_row("XW0"), ticket_row("XW1", village="东岭村")])
    row = upload(clerk, demo, newer).context["row"]
    with scope(township=demo.xilian):
        Ticket.objects.filter(ticket_number="XW1").update(title="他人刚改过", version=F("version") + 1)
    refused = clerk.post(url("ledger_import_confirm", demo, pk=row.pk), follow=True)
    page = refused.content.decode()
    assert "自预览以来有记录被他人修改或录入" in page and "第3行「工单编号」" in page
    with scope(township=demo.xilian):
        assert Ticket.objects.get(ticket_number="XW1").title == "他人刚改过"
        assert not Ticket.objects.filter(ticket_number="XW0").exists()


def test_a_record_entered_after_the_preview_stops_the_confirm(clerk, demo):
    row = upload(clerk, demo, xlsx([TICKET_HEADER, ticket_row("XW1")])).context["row"]
    run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1", village="东岭村")]))
    refused = clerk.post(url("ledger_import_confirm", demo, pk=row.pk), follow=True)
    assert "本镇已录入同一编号的记录" in refused.content.decode()
    with scope(township=demo.xilian):
        assert Ticket.objects.get(ticket_number="XW1").village.name == "东岭村"


def test_another_townships_import_is_not_found(client, demo):
    client.force_login(demo.users["xilian_staff"])
    row = upload(client, demo, xlsx([TICKET_HEADER, ticket_row("XW1")])).context["row"]
    client.force_login(demo.users["maichen_staff"])
    other = reverse("ledger_import_preview", kwargs={"township": demo.maichen.code, "kind": "tickets", "pk": row.pk})
    assert client.get(other).status_code == 404


def test_the_template_has_headers_drop_downs_and_a_marked_example(clerk, demo):
    response = clerk.get(url("ledger_template", demo))
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["工单编号", "受理时间", "来源渠道", "诉求类型"]
    assert sheet.cell(row=2, column=1).value == "示例：XW202101270001"
    assert sheet.cell(row=2, column=2).font.italic and sheet.cell(row=2, column=2).fill.fgColor.rgb.endswith("EEEEEE")
    lists = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"咨询,求助,投诉,举报,建议"' in lists
    back = run_template_back(demo, response.content)
    assert back.is_clean and (back.total_rows, back.new) == (0, 0)


@pytest.mark.parametrize("kind", ["tickets", "disputes", "events", "studies"])
def test_the_untouched_template_previews_no_rows_and_says_so(clerk, demo, kind):
    template = clerk.get(url("ledger_template", demo, kind=kind)).content
    preview = upload(clerk, demo, template, kind=kind)
    assert preview.context["row"].counts == {"total_rows": 0, "new": 0, "updated": 0, "unchanged": 0, "errors": 0}
    page = preview.content.decode()
    assert "文件中没有数据行" in page and "确认导入" not in page


def test_a_row_starting_with_the_example_mark_is_skipped_like_a_totals_row(demo):
    rows = [TICKET_HEADER, ticket_row("示例：XW0"), ticket_row("XW1"), ["合计"]]
    report = run(TicketResource, demo.xilian, csv_bytes(rows), commit=False)
    assert (report.total_rows, report.new) == (1, 1)


def test_the_template_offers_the_townships_villages_and_the_usual_subjects(clerk, demo):
    workbook = load_workbook(io.BytesIO(clerk.get(url("ledger_template", demo)).content))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    by_column = {str(v.sqref).split(":")[0][:-1]: v for v in sheet.data_validations.dataValidation}
    village = by_column[sheet.cell(row=1, column=headers.index("所属村（社区）") + 1).column_letter]
    listed = workbook[village.formula1.split("!")[0].strip("'")]
    assert listed.sheet_state == "hidden"
    with scope(township=demo.xilian):
        names = [v.name for v in demo.xilian.villages.all()]
    assert [row[0].value for row in listed.iter_rows()] == names
    subject = by_column[sheet.cell(row=1, column=headers.index("事项分类") + 1).column_letter]
    assert subject.formula1 == '"' + ",".join(Ticket.Subject.values) + '"'
    assert subject.errorStyle == "information"  # a platform's own category is accepted after a notice


def test_the_xlsx_export_writes_dates_as_date_cells_and_the_csv_as_text(clerk, demo):
    run(TicketResource, demo.xilian, csv_bytes([TICKET_HEADER, ticket_row("XW1")]))
    sheet = load_workbook(io.BytesIO(clerk.get(url("ledger_export", demo), {"format": "xlsx"}).content)).active
    headers = [c.value for c in sheet[1]]
    received = sheet.cell(row=2, column=headers.index("受理时间") + 1)
    deadline = sheet.cell(row=2, column=headers.index("办理时限") + 1)
    assert received.is_date and received.number_format == "yyyy-mm-dd hh:mm"
    assert received.value == datetime(2021, 1, 27, 14, 54)
    assert deadline.is_date and deadline.number_format == "yyyy-mm-dd"
    table = list(csv.reader(io.StringIO(clerk.get(url("ledger_export", demo), {"format": "csv"}).content.decode(
        "utf-8-sig"))))
    assert table[1][table[0].index("受理时间")] == "2021-01-27 14:54"


def test_the_export_holds_what_the_detail_page_shows_and_the_import_ignores_it(clerk, demo):
    run(TicketResource, demo.xilian, csv_bytes([TICKET_HEADER, ticket_row("XW1", closed="", state="办理中")]))
    with scope(township=demo.xilian):
        Ticket.objects.filter(ticket_number="XW1").update(
            signed_at=timezone.make_aware(datetime(2021, 1, 28, 9, 0)), extended_deadline=date(2021, 3, 1),
            extension_reason="需现场核实", extension_granted_by="县12345平台 徐12345延〔2021〕3号",
            extension_applied_on=date(2021, 2, 1),
        )
    content = clerk.get(url("ledger_export", demo), {"format": "csv"}).content
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    row = dict(zip(table[0], table[1], strict=True))
    assert (row["签收时间"], row["延期后时限"], row["延期原因"]) == ("2021-01-28 09:00", "2021-03-01", "需现场核实")
    assert (row["延期批准单位/文号或批准人"], row["申请延期日期"]) == ("县12345平台 徐12345延〔2021〕3号", "2021-02-01")
    assert {"退单时间", "退单原因"} <= set(table[0])
    edited = [table[0], [*table[1][: table[0].index("签收时间")], "2021-02-01 09:00", "", "改过的原因", "", ""]]
    back = run(TicketResource, demo.xilian, csv_bytes(edited))
    assert (back.new, back.updated, back.unchanged) == (0, 0, 1)
    assert "签收时间" not in [c.column_name for c in TicketResource(demo.xilian).columns()]


def test_the_dispute_export_has_the_follow_up(clerk, demo):
    run(DisputeResource, demo.xilian, (SAMPLES / "矛盾纠纷台账_西连镇_2021.xlsx").read_bytes())
    sheet = load_workbook(io.BytesIO(clerk.get(url("ledger_export", demo, kind="disputes")).content)).active
    assert "回访情况" in [c.value for c in sheet[1]]


def run_template_back(demo, content):
    return run(TicketResource, demo.xilian, content, commit=False)


def test_the_export_is_what_the_list_shows_with_masked_phones_and_no_formulas(clerk, demo):
    rows = [
        TICKET_HEADER + ["联系电话"],
        ticket_row("XW1") + ["13907126138"],
        ticket_row("=1+2", received="2021-03-01 09:00", closed="", state="办理中") + [""],
        ticket_row("XW3", received="2022-01-05 09:00", closed="", state="办理中") + [""],
    ]
    assert run(TicketResource, demo.xilian, csv_bytes(rows)).committed  # a CSV cell may hold text like =1+2
    response = clerk.get(url("ledger_export", demo), {"year": "2021", "format": "csv"})
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    numbers = [r[0] for r in table[1:]]
    assert sorted(numbers) == ["'=1+2", "XW1"]
    assert "139****6138" in response.content.decode("utf-8-sig")
    assert "13907126138" not in response.content.decode("utf-8-sig")


def test_the_dispute_export_ends_with_a_totals_row(clerk, demo):
    run(DisputeResource, demo.xilian, (SAMPLES / "矛盾纠纷台账_西连镇_2021.xlsx").read_bytes())
    response = clerk.get(url("ledger_export", demo, kind="disputes"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    last = [c.value for c in sheet[sheet.max_row]]
    assert sheet.max_row == 120 and last[0] == "合计"
    assert last[[c.value for c in sheet[1]].index("涉及人数")] > 118


def test_the_export_command_writes_the_year(demo, tmp_path, capsys):
    run(
        TicketResource,
        demo.xilian,
        xlsx(
            [
                TICKET_HEADER,
                ticket_row("XW1"),
                ticket_row("XW2", received="2022-02-01 09:00", closed="", state="办理中"),
            ]
        ),
    )
    target = tmp_path / "工单.xlsx"
    call_command("export_records", "tickets", township="西连镇", year=2021, output=str(target))
    assert "已导出12345工单1条" in capsys.readouterr().out
    assert load_workbook(target).active.max_row == 2


def test_list_pages_offer_import_only_to_staff(client, demo):
    page = reverse("disputes:ticket_list", kwargs={"township": demo.xilian.code})
    client.force_login(demo.users["xilian_staff"])
    assert "下载导入模板" in client.get(page).content.decode()
    client.force_login(demo.users["xilian_leader"])
    html = client.get(page).content.decode()
    assert "导出Excel" in html and "下载导入模板" not in html


def test_the_county_office_exports_tickets_without_callers_names(client, demo):
    run(TicketResource, demo.xilian, xlsx([[*TICKET_HEADER, "诉求人"], [*ticket_row("XW1"), "林霞勇"]]))
    client.force_login(demo.users["county_office"])
    county = client.get(url("ledger_export", demo), {"format": "csv"}).content.decode("utf-8-sig")
    client.force_login(demo.users["xilian_leader"])
    township = client.get(url("ledger_export", demo), {"format": "csv"}).content.decode("utf-8-sig")
    assert "林霞勇" in township and "诉求人" in township
    assert "林霞勇" not in county and "诉求人" not in county


def test_the_county_office_cannot_find_tickets_by_a_callers_name(client, demo):
    run(TicketResource, demo.xilian, xlsx([[*TICKET_HEADER, "诉求人"], [*ticket_row("XW1"), "林霞勇"]]))
    page = reverse("disputes:ticket_list", kwargs={"township": demo.xilian.code})
    client.force_login(demo.users["county_office"])
    assert client.get(page, {"q": "林霞勇"}).context["figures"].received == 0
    client.force_login(demo.users["xilian_staff"])
    assert client.get(page, {"q": "林霞勇"}).context["figures"].received == 1


def _dispute_with_parties(demo):
    row = dispute_row("D1")
    row[DISPUTE_HEADER.index("当事人")] = "符亚妹、莫水生"
    run(DisputeResource, demo.xilian, xlsx([DISPUTE_HEADER, row]))


def test_the_county_office_exports_disputes_without_parties_names(client, demo):
    _dispute_with_parties(demo)
    client.force_login(demo.users["county_office"])
    county = client.get(url("ledger_export", demo, "disputes"), {"format": "csv"}).content.decode("utf-8-sig")
    client.force_login(demo.users["xilian_leader"])
    township = client.get(url("ledger_export", demo, "disputes"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "符亚妹" in township and "当事人" in township
    assert "符亚妹" not in county and "当事人" not in county


def test_the_county_office_neither_sees_nor_finds_disputes_by_a_partys_name(client, demo):
    _dispute_with_parties(demo)
    page = reverse("disputes:dispute_list", kwargs={"township": demo.xilian.code})
    client.force_login(demo.users["county_office"])
    assert client.get(page, {"q": "符亚妹"}).context["figures"].received == 0
    listing = client.get(page)
    with scopes_disabled():
        detail = client.get(reverse("disputes:dispute_detail", kwargs={
            "township": demo.xilian.code, "pk": listing.context["page"][0].pk})).content.decode()
    assert "符亚妹" not in listing.content.decode() and "（仅本镇可见）" in listing.content.decode()
    assert "符亚妹" not in detail and "（仅本镇可见）" in detail
    client.force_login(demo.users["xilian_staff"])
    assert client.get(page, {"q": "符亚妹"}).context["figures"].received == 1
    assert "符亚妹" in client.get(page).content.decode()


@pytest.mark.parametrize(
    ("kind", "sample", "rows"),
    [
        ("tickets", "12345工单_西连镇_2021.xlsx", 94),
        ("tickets", "12345工单_西连镇_2021.csv", 94),
        ("disputes", "矛盾纠纷台账_西连镇_2021.xlsx", 118),
        ("events", "普法活动_西连镇_2021.xlsx", 9),
        ("studies", "学法记录_西连镇_2021.xlsx", 16),
    ],
)
def test_every_sample_imports_through_the_page_and_the_command(clerk, demo, capsys, kind, sample, rows):
    preview = upload(clerk, demo, (SAMPLES / sample).read_bytes(), sample, kind=kind)
    assert preview.context["row"].counts["new"] == rows
    clerk.post(url("ledger_import_confirm", demo, kind=kind, pk=preview.context["row"].pk))
    call_command("import_records", kind, str(SAMPLES / sample), township="西连镇")
    assert f"新增0，更新0，未变{rows}" in capsys.readouterr().out


def test_another_townships_ledger_is_said_once_on_top_and_identical_errors_are_grouped(clerk, demo):
    villages = ["迈陈村委会", "东港村", "青桐村", "那板村"]
    rows = [ticket_row(f"MC{i}", village=villages[i % 4]) for i in range(240)]
    page = upload(clerk, demo, xlsx([TICKET_HEADER, *rows])).content.decode()
    assert "这个文件看起来是迈陈镇的台账" in page
    assert page.count("不是西连镇的村（社区）") == 1
    first_rows = "第2行（迈陈村委会）、第3行（东港村）、第4行（青桐村）、第5行（那板村）、第6行（迈陈村委会）等"
    assert f"共 240 行——{first_rows}" in page


def test_a_few_wrong_villages_are_not_taken_for_another_townships_ledger(clerk, demo):
    rows = [ticket_row("XW1"), ticket_row("XW2"), ticket_row("XW3", village="青桐村")]
    page = upload(clerk, demo, xlsx([TICKET_HEADER, *rows])).content.decode()
    assert "看起来是" not in page
    assert "第4行「所属村（社区）」：青桐村 不是西连镇的村（社区）" in page


def test_villages_of_no_single_township_make_an_unnamed_notice(clerk, demo):
    rows = [ticket_row(f"X{i}", village=name) for i, name in enumerate(["青桐村", "天上村", "云中村"])]
    page = upload(clerk, demo, xlsx([TICKET_HEADER, *rows])).content.decode()
    assert "这个文件看起来是另一个镇的台账：有3行的村（社区）不是西连镇的" in page


def test_the_event_export_has_what_the_event_page_shows(clerk, demo):
    run(EventResource, demo.xilian, (SAMPLES / "普法活动_西连镇_2021.xlsx").read_bytes())
    sheet = load_workbook(io.BytesIO(clerk.get(url("ledger_export", demo, kind="events")).content)).active
    assert {"宣传节点", "宣传对象", "参与律师", "法律明白人", "新闻链接"} <= {c.value for c in sheet[1]}
