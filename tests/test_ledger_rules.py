"""An import obeys the same rules as the form: the model's own validation, the transitions the pages allow, a
dated 导入 step for every state it sets, no writes through a voided record, and one strict phone masking."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope

from disputes.ledgers import DisputeResource, TicketResource
from disputes.models import Dispute, DisputeStep, Ticket, TicketStep
from publicity.ledgers import EventResource
from publicity.models import Event
from tests.test_ledger_import import TICKET_HEADER, run, ticket_row, xlsx
from xilian.phones import mask_phone

pytestmark = pytest.mark.django_db

DISPUTE_HEADER = [
    "案件编号", "受理日期", "纠纷类型", "所属村（社区）", "当事人", "纠纷简要情况", "化解状态", "化解日期", "化解方式",
]


def dispute_row(number, state="已化解", resolved="2021-01-23", method="人民调解", received="2021-01-10"):
    return [number, received, "邻里", "东岭村", "徐某、唐某", "排水沟走向纠纷。", state, resolved, method]


def errors(report):
    return [str(e) for e in report.errors]


def test_a_dispute_in_mediation_cannot_carry_a_resolution_date(demo):
    report = run(DisputeResource, demo.xilian, xlsx([DISPUTE_HEADER, dispute_row("D1", state="调解中", method="")]))
    assert errors(report) == ["第2行「化解日期」：2021-01-23 状态为“调解中”的纠纷不能有化解日期"]
    with scope(township=demo.xilian):
        assert not Dispute.objects.exists()


def test_a_resolution_date_in_the_future_is_refused(demo):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    report = run(DisputeResource, demo.xilian, xlsx([DISPUTE_HEADER, dispute_row("D1", resolved=tomorrow)]))
    assert errors(report) == [f"第2行「化解日期」：{tomorrow} 化解日期不能晚于今天"]


def test_every_bad_row_of_every_kind_is_named_in_one_preview(demo):
    report = run(DisputeResource, demo.xilian, xlsx([
        DISPUTE_HEADER,
        dispute_row("D1", state="调解中", method=""),
        dispute_row("D2", received="2021-13-01"),
        dispute_row("D3"),
    ]))
    assert [e.row for e in report.errors] == [2, 3]


def test_an_imported_closing_needs_what_it_claims(demo):
    report = run(DisputeResource, demo.xilian, xlsx([
        [*DISPUTE_HEADER, "回访情况", "流转至（单位）"],
        [*dispute_row("D1", state="回访结案"), "", ""],
        [*dispute_row("D2", state="已移交", resolved="", method=""), "", ""],
        [*dispute_row("D3", state="回访结案"), "电话回访，双方履行协议", ""],
    ]))
    assert errors(report) == [
        "第2行「回访情况」：回访结案必须填写回访情况", "第3行「流转至（单位）」：流转必须填写流转至的单位",
    ]


def test_a_re_import_cannot_move_a_closed_dispute_back_and_leaves_it_whole(demo):
    run(DisputeResource, demo.xilian, xlsx([[*DISPUTE_HEADER, "回访情况"],
                                            [*dispute_row("D1", state="回访结案"), "电话回访，双方履行协议"]]))
    report = run(DisputeResource, demo.xilian, xlsx([DISPUTE_HEADER, dispute_row("D1", state="登记", resolved="",
                                                                                   method="")]))
    assert errors(report) == ["第2行「化解状态」：登记 不能从“回访结案”改为“登记”：状态只能按办理流程向前变更"]
    with scope(township=demo.xilian):
        dispute = Dispute.objects.get()
        assert (dispute.state, str(dispute.resolved_on)) == (Dispute.State.CLOSED, "2021-01-23")


def test_a_state_moved_forward_by_import_is_a_dated_step_named_import(demo, staff):
    run(DisputeResource, demo.xilian, xlsx([DISPUTE_HEADER, dispute_row("D1", state="调解中", resolved="",
                                                                          method="")]), user=staff)
    report = run(DisputeResource, demo.xilian, xlsx([DISPUTE_HEADER, dispute_row("D1")]), user=staff)
    assert report.updated == 1
    with scope(township=demo.xilian):
        steps = list(DisputeStep.objects.values_list("state", "happened_on", "note", "recorded_by"))
    assert [(s, str(d), n, u) for s, d, n, u in steps] == [
        (Dispute.State.RESOLVED, "2021-01-23", "导入：已化解（台账.xlsx）", staff.pk),
    ]


def test_an_empty_state_cell_keeps_a_matched_records_state(demo):
    run(DisputeResource, demo.xilian, xlsx([DISPUTE_HEADER, dispute_row("D1")]))
    report = run(DisputeResource, demo.xilian, xlsx([DISPUTE_HEADER, dispute_row("D1", state="")]))
    assert (report.errors, report.unchanged) == ([], 1)


def test_a_ticket_closed_by_import_gets_its_import_step_and_cannot_reopen(demo):
    run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1", closed="", state="办理中")]))
    run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1")]))
    with scope(township=demo.xilian):
        assert list(TicketStep.objects.values_list("action", "note", "happened_at__date")) == [
            (TicketStep.Action.IMPORT, "导入：已办结（台账.xlsx）", date(2021, 2, 3))
        ]
    report = run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1", closed="", state="办理中")]))
    assert errors(report) == ["第2行「工单状态」：办理中 不能从“已办结”改为“办理中”：状态只能按办理流程向前变更"]


def test_a_row_matching_a_voided_record_is_a_bad_row(demo, staff):
    run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1")]))
    with scope(township=demo.xilian):
        Ticket.objects.update(voided_at=timezone.now(), voided_by=staff, void_reason="重复录入")
    report = run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1", village="东岭村")]))
    assert errors(report) == ["第2行「工单编号」：XW1 垃圾清运不及时 该记录已作废（重复录入），不能通过导入修改或恢复"]
    assert (report.new, report.updated) == (0, 0)


def test_an_event_dated_in_the_future_is_refused_as_the_form_refuses_it(demo):
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    header = ["活动日期", "活动名称", "形式", "参与人数"]
    report = run(EventResource, demo.xilian, xlsx([header, [future, "宪法宣传", "街头宣传", 30]]))
    assert errors(report) == [f"第2行「活动日期」：{future} 日期不能晚于明天"]
    with scope(township=demo.xilian):
        assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("typed", "masked"),
    [("13907126138", "139****6138"), ("139 0712 6138", "139****6138"), ("+86 139-0712-6138", "139****6138"),
     ("0759-4881234", "075****1234"), ("１３９０７１２６１３８", "139****6138"), ("139****6138", "139****6138"),
     ("", "")],
)
def test_a_phone_is_checked_strictly_then_masked(typed, masked):
    assert mask_phone(typed) == masked


@pytest.mark.parametrize("typed", ["1390712613*", "12345", "1381234abcd", "4881234", "139071261388", "13*9"])
def test_a_phone_that_is_not_a_whole_number_is_refused(typed):
    with pytest.raises(ValidationError):
        mask_phone(typed)


@pytest.mark.parametrize("typed", ["1390712613*", "12345", "1381234abcd"])
def test_the_import_and_the_form_refuse_the_same_phones(demo, staff, client, typed):
    header = [*TICKET_HEADER, "联系电话"]
    report = run(TicketResource, demo.xilian, xlsx([header, [*ticket_row("XW1"), typed]]))
    assert [e.column for e in report.errors] == ["联系电话"]
    client.force_login(staff)
    page = client.post(f"/t/{demo.xilian.code}/disputes/tickets/new/", {
        "ticket_number": "XW9", "received_at": "2021-01-27T14:54", "channel": "phone", "request_type": "help",
        "subject": "其他", "title": "路灯不亮", "content": "路灯不亮。", "caller_phone": typed,
    })
    assert "联系电话" in page.context["form"].errors["caller_phone"][0]
    with scope(township=demo.xilian):
        assert not Ticket.objects.exists()


def test_an_implausible_date_is_a_named_row_error_in_the_preview_and_nothing_is_written(demo):
    report = run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1", received="0001-01-01",
                                                                              closed="", state="办理中")]))
    assert {(e.row, e.column) for e in report.errors} == {(2, "受理时间"), (2, "办理时限")}
    assert all("日期应在2000年至" in e.message for e in report.errors)
    with scope(township=demo.xilian):
        assert not Ticket.objects.exists()
