from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from disputes.ledgers import DisputeResource
from disputes.models import Dispute, DisputeStep, SlaRule, Ticket, TicketStep
from tests.permissions.disputes import make_dispute, make_ticket
from tests.test_ledger_import import run, xlsx
from tests.test_ledger_rules import DISPUTE_HEADER, dispute_row
from xilian.models import AuditLog
from xilian.records import STALE_MESSAGE

pytestmark = pytest.mark.django_db


def _url(demo, name, **kwargs):
    return reverse(f"disputes:{name}", kwargs={"township": demo.xilian.code, **kwargs})


def _ticket_data(demo, **overrides):
    return {
        "ticket_number": "XW202109300001", "received_at": "2021-09-30T10:00", "channel": "phone",
        "request_type": "consultation", "subject": "社会保障", "title": "医保缴费咨询",
        "content": "咨询城乡居民医保缴费渠道。", "caller_name": "林霞", "caller_phone": "13907126138",
        "village": demo.xilian.villages.first().pk, "handling_unit": "西连镇人民政府", "deadline": "", **overrides,
    }


def _dispute_data(demo, **overrides):
    with scopes_disabled():
        category = demo.county.dispute_categories.get(name="道路规划")
    return {
        "case_number": "（2021）西连调字第9号", "received_on": "2021-05-06", "category": category.pk,
        "village": demo.xilian.villages.first().pk, "parties": "陈海、李明", "people_involved": "3",
        "summary": "因村道拓宽占地发生纠纷。", "mediation_body": "西连村人民调解委员会", "mediator": "杨荣德",
        "lead_official": "王建国", "risk_level": "low", "remarks": "", **overrides,
    }


@pytest.fixture
def staff_client(client, demo):
    return demo.client_for(client, "xilian_staff")


def test_it_registers_a_ticket_with_its_working_day_deadline(staff_client, demo):
    response = staff_client.post(_url(demo, "ticket_create"), _ticket_data(demo))
    with scopes_disabled():
        ticket = Ticket.objects.get(ticket_number="XW202109300001")
        assert ticket.steps.get().action == TicketStep.Action.RECEIVE
    assert response.status_code == 302
    assert (ticket.deadline, ticket.deadline_given) == (date(2021, 10, 9), False)
    assert "2021年10月9日" in staff_client.get(response["Location"]).content.decode()


def test_it_uses_the_sla_table(staff_client, demo):
    SlaRule.objects.filter(request_type="consultation").update(working_days=3)
    staff_client.post(_url(demo, "ticket_create"), _ticket_data(demo))
    with scopes_disabled():
        assert Ticket.objects.get().deadline == date(2021, 10, 11)


def test_a_deadline_given_by_the_platform_is_kept(staff_client, demo):
    staff_client.post(_url(demo, "ticket_create"), _ticket_data(demo, deadline="2021-10-20"))
    with scopes_disabled():
        ticket = Ticket.objects.get()
    assert (ticket.deadline, ticket.deadline_given) == (date(2021, 10, 20), True)


def test_a_computed_deadline_follows_a_corrected_receipt_time(staff_client, demo):
    staff_client.post(_url(demo, "ticket_create"), _ticket_data(demo))
    with scopes_disabled():
        ticket = Ticket.objects.get()
    staff_client.post(_url(demo, "ticket_correct_time", pk=ticket.pk), {
        "time_name": "received_at", "new_time": "2021-09-28 10:00", "reason": "平台派单时间为9月28日",
        "loaded_version": ticket.version})
    ticket.refresh_from_db()
    assert ticket.deadline == date(2021, 9, 30)
    with scopes_disabled():
        assert ticket.steps.get(action="receive").happened_at == timezone.make_aware(datetime(2021, 9, 28, 10))


def test_the_receipt_time_is_not_changed_silently_by_an_edit(staff_client, demo):
    staff_client.post(_url(demo, "ticket_create"), _ticket_data(demo))
    with scopes_disabled():
        ticket = Ticket.objects.get()
    staff_client.post(_url(demo, "ticket_edit", pk=ticket.pk), _ticket_data(
        demo, received_at="2021-09-28T10:00", title="医保缴费渠道咨询", loaded_version=ticket.version))
    ticket.refresh_from_db()
    assert (ticket.title, ticket.received_at) == ("医保缴费渠道咨询", timezone.make_aware(datetime(2021, 9, 30, 10)))


def test_the_full_phone_number_reaches_neither_page_nor_audit_log(staff_client, demo):
    staff_client.post(_url(demo, "ticket_create"), _ticket_data(demo))
    with scopes_disabled():
        ticket = Ticket.objects.get()
    page = staff_client.get(_url(demo, "ticket_detail", pk=ticket.pk)).content.decode()
    assert "139****6138" in page and "13907126138" not in page
    logged = str(list(AuditLog.objects.values_list("changes", "detail", "object_repr")))
    # personal: the log records that the phone was entered, not the number, masked or whole ("6138" alone can be
    # part of a logged timestamp's microseconds)
    assert "****6138" not in logged and "13907126138" not in logged


def test_a_duplicate_ticket_number_is_refused_in_chinese(staff_client, demo):
    make_ticket(demo.xilian, ticket_number="XW202109300001")
    response = staff_client.post(_url(demo, "ticket_create"), _ticket_data(demo))
    assert response.status_code == 200
    assert "本镇已有该工单编号的工单。" in response.content.decode()


def test_closing_before_receipt_is_refused_next_to_the_field(staff_client, demo):
    ticket = make_ticket(demo.xilian)
    response = staff_client.post(_url(demo, "ticket_action", pk=ticket.pk, action="close"), {
        "closed_at": "2021-09-29T10:00", "reply": "已答复。", "loaded_version": ticket.version,
    })
    assert response.context["form"].errors["closed_at"] == [
        "办结时间（2021-09-29 10:00）不能早于受理时间（2021-09-30 10:00）。"]
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.RECEIVED


def test_a_ticket_walks_from_signing_to_survey(staff_client, demo, time_machine):
    ticket = make_ticket(demo.xilian)
    steps = [
        ("2021-09-30 11:00", "sign", {"signed_at": "2021-09-30T11:00"}),
        ("2021-10-08 09:00", "extend", {"extension_applied_on": "2021-10-08", "extension_granted_by": "县12345热线办",
                                        "extended_deadline": "2021-10-15", "extension_reason": "需现场核实"}),
        ("2021-10-12 16:00", "close", {"closed_at": "2021-10-12T16:00", "reply": "已告知缴费渠道。"}),
        ("2021-10-13 10:00", "survey", {"surveyed_at": "2021-10-13T10:00", "survey_method": "phone",
                                        "satisfaction": "satisfied", "note": "诉求人认可答复"}),
    ]
    for moment, action, data in steps:
        time_machine.move_to(f"{moment} +08:00", tick=False)
        demo.client_for(staff_client, "xilian_staff")  # days pass: a new session, not the idle one
        ticket.refresh_from_db()
        response = staff_client.post(_url(demo, "ticket_action", pk=ticket.pk, action=action),
                                     {**data, "loaded_version": ticket.version})
        assert response.status_code == 302, (action, response.context and response.context["form"].errors)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.satisfaction, ticket.closed_on_time) == ("closed", "satisfied", True)
    with scopes_disabled():
        assert list(ticket.steps.order_by("pk").values_list("action", flat=True)) == [
            "sign", "extend", "close", "survey"]
        assert set(ticket.steps.values_list("recorded_by__username", flat=True)) == {"xilian_staff"}


def test_a_ticket_is_returned_with_its_reason(staff_client, demo):
    ticket = make_ticket(demo.xilian)
    staff_client.post(_url(demo, "ticket_action", pk=ticket.pk, action="return"), {
        "returned_at": "2021-09-30T15:00", "return_reason": "不属本镇事权", "loaded_version": ticket.version})
    ticket.refresh_from_db()
    assert (ticket.state, ticket.return_reason) == (Ticket.State.RETURNED, "不属本镇事权")


def test_a_closed_ticket_cannot_be_closed_again(staff_client, demo):
    ticket = make_ticket(demo.xilian, state=Ticket.State.CLOSED, reply="已答复。",
                         closed_at=timezone.make_aware(datetime(2021, 10, 8, 9)))
    response = staff_client.get(_url(demo, "ticket_action", pk=ticket.pk, action="close"))
    assert response.status_code == 302


def test_the_second_of_two_concurrent_edits_is_refused(client, demo):
    ticket = make_ticket(demo.xilian)
    first = _ticket_data(demo, ticket_number=ticket.ticket_number, title="第一人的修改", loaded_version=1)
    second = _ticket_data(demo, ticket_number=ticket.ticket_number, title="第二人的修改", loaded_version=1)
    demo.client_for(client, "xilian_staff")
    assert client.post(_url(demo, "ticket_edit", pk=ticket.pk), first).status_code == 302
    response = client.post(_url(demo, "ticket_edit", pk=ticket.pk), second)
    assert STALE_MESSAGE in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.title, ticket.version) == ("第一人的修改", 2)


def test_the_second_of_two_concurrent_dispute_edits_is_refused(staff_client, demo):
    dispute = make_dispute(demo.xilian)
    url = _url(demo, "dispute_edit", pk=dispute.pk)
    data = _dispute_data(demo, case_number=dispute.case_number, loaded_version=1)
    assert staff_client.post(url, {**data, "parties": "陈海、李明、王芳"}).status_code == 302
    response = staff_client.post(url, {**data, "parties": "后来者"})
    assert STALE_MESSAGE in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.parties == "陈海、李明、王芳"


def test_it_registers_a_dispute_and_resolves_it(staff_client, demo):
    response = staff_client.post(_url(demo, "dispute_create"), _dispute_data(demo))
    assert response.status_code == 302
    with scopes_disabled():
        dispute = Dispute.objects.get()
    response = staff_client.post(_url(demo, "dispute_state", pk=dispute.pk), {
        "state": "resolved", "resolved_on": "2021-05-20", "resolution_method": "people", "follow_up": "",
        "step_date": "2021-05-20", "note": "双方签订调解协议", "loaded_version": dispute.version,
    })
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.state, dispute.resolved_on) == (Dispute.State.RESOLVED, date(2021, 5, 20))
    with scopes_disabled():
        assert list(dispute.steps.values_list("state", "happened_on")) == [
            ("registered", date(2021, 5, 6)), ("resolved", date(2021, 5, 20))]


def test_resolving_without_a_date_and_way_is_refused(staff_client, demo):
    dispute = make_dispute(demo.xilian)
    response = staff_client.post(_url(demo, "dispute_state", pk=dispute.pk), {
        "state": "resolved", "step_date": "2021-05-20", "loaded_version": dispute.version,
    })
    errors = response.context["form"].errors
    assert errors["resolved_on"] == ["已化解的纠纷必须填写化解日期。"]
    assert errors["resolution_method"] == ["已化解的纠纷必须选择化解方式。"]
    with scopes_disabled():
        assert not DisputeStep.objects.exists()


def test_a_state_the_current_one_does_not_lead_to_is_refused(staff_client, demo):
    dispute = make_dispute(demo.xilian)
    response = staff_client.post(_url(demo, "dispute_state", pk=dispute.pk), {
        "state": "closed", "step_date": "2021-05-20", "loaded_version": dispute.version,
    })
    assert "state" in response.context["form"].errors


def test_another_townships_record_is_404(staff_client, demo):
    dispute, ticket = make_dispute(demo.maichen), make_ticket(demo.maichen)
    assert staff_client.get(_url(demo, "dispute_detail", pk=dispute.pk)).status_code == 404
    assert staff_client.get(_url(demo, "ticket_edit", pk=ticket.pk)).status_code == 404


def test_a_voided_ticket_leaves_the_list_and_the_figures(staff_client, demo):
    ticket = make_ticket(demo.xilian, title="重复登记")
    response = staff_client.post(_url(demo, "ticket_void", pk=ticket.pk),
                                 {"reason": "重复录入", "loaded_version": ticket.version})
    assert response.status_code == 302
    listing = staff_client.get(_url(demo, "ticket_list"))
    assert list(listing.context["page"]) == [] and listing.context["figures"].received == 0


def test_the_dispute_list_filters_and_counts_what_it_shows(staff_client, demo):
    make_dispute(demo.xilian, state=Dispute.State.RESOLVED, resolved_on=date(2021, 3, 9),
                 resolution_method="people")
    make_dispute(demo.xilian, state=Dispute.State.MEDIATING, parties="符亚妹、莫水生")
    make_dispute(demo.xilian, received_on=date(2021, 7, 1))
    response = staff_client.get(_url(demo, "dispute_list"), {"year": 2021, "month": 3})
    figures = response.context["figures"]
    assert (figures.received, figures.resolved) == (2, 1)
    assert 'data-figure="化解率">50.0%' in response.content.decode()
    searched = staff_client.get(_url(demo, "dispute_list"), {"q": "符亚妹"})
    assert [d.parties for d in searched.context["page"]] == ["符亚妹、莫水生"]


def test_the_case_number_sorts_as_a_clerk_reads_it(staff_client, demo):
    numbers = ("（2021）西连调字第118号", "(2021)西连调字第99号", "（2020）西连调字第200号", "（2021）西连调字第5号")
    for number in numbers:
        make_dispute(demo.xilian, case_number=number)
    ascending = staff_client.get(_url(demo, "dispute_list"), {"sort": "case_number"}).context["page"]
    assert [d.case_number for d in ascending] == [
        "（2020）西连调字第200号", "（2021）西连调字第5号", "(2021)西连调字第99号", "（2021）西连调字第118号",
    ]
    descending = staff_client.get(_url(demo, "dispute_list"), {"sort": "-case_number"}).context["page"]
    assert [d.case_number for d in descending] == [d.case_number for d in reversed(ascending)]


def test_the_case_number_order_holds_across_pages(staff_client, demo):
    for serial in range(1, 22):
        make_dispute(demo.xilian, case_number=f"（2021）西连调字第{serial}号")
    second = staff_client.get(_url(demo, "dispute_list"), {"sort": "case_number", "page": 2}).context["page"]
    assert [d.case_number for d in second] == ["（2021）西连调字第21号"]


def test_the_ticket_list_filters_overdue_and_satisfaction(staff_client, demo):
    make_ticket(demo.xilian, title="逾期未办")
    make_ticket(demo.xilian, title="已办结", state=Ticket.State.CLOSED, reply="已答复。", satisfaction="satisfied",
                closed_at=timezone.make_aware(datetime(2021, 10, 8, 9)))
    overdue = staff_client.get(_url(demo, "ticket_list"), {"deadline": "overdue"})
    assert [t.title for t in overdue.context["page"]] == ["逾期未办"]
    satisfied = staff_client.get(_url(demo, "ticket_list"), {"satisfaction": "satisfied"})
    assert [t.title for t in satisfied.context["page"]] == ["已办结"]
    assert 'data-figure="满意率">100.0%' in satisfied.content.decode()


def test_the_overdue_page_lists_open_tickets_past_their_deadline(staff_client, demo):
    make_ticket(demo.xilian, title="逾期未办")
    response = staff_client.get(_url(demo, "ticket_overdue"))
    overdue, due_soon = response.context["sections"]
    assert [t.title for t in overdue["page"]] == ["逾期未办"] and list(due_soon["page"]) == []


def test_the_overdue_page_is_paginated_like_the_other_lists(staff_client, demo):
    for _ in range(21):
        make_ticket(demo.xilian)
    first = staff_client.get(_url(demo, "ticket_overdue"))
    assert len(first.context["sections"][0]["page"]) == 20
    assert "第 1 / 2 页，共 21 条" in first.content.decode() and 'href="?&page=2"' in first.content.decode()
    second = staff_client.get(_url(demo, "ticket_overdue"), {"page": 2})
    assert [len(section["page"]) for section in second.context["sections"]] == [1, 0]


def test_each_section_of_the_overdue_page_pages_on_its_own(staff_client, demo):
    for _ in range(21):
        make_ticket(demo.xilian)
        make_ticket(demo.xilian, received_at=timezone.now(), deadline=timezone.localdate())
    response = staff_client.get(_url(demo, "ticket_overdue"), {"page": 2, "due_soon_page": 2})
    assert [(s["page"].number, len(s["page"])) for s in response.context["sections"]] == [(2, 1), (2, 1)]
    html = response.content.decode()
    assert 'href="?due_soon_page=2&page=1">首页' in html and 'href="?page=2&due_soon_page=1">首页' in html


def test_the_home_page_links_to_the_overdue_list(client, demo):
    make_ticket(demo.xilian)
    demo.client_for(client, "xilian_leader")
    page = client.get(reverse("township_home", kwargs={"township": demo.xilian.code})).content.decode()
    assert _url(demo, "ticket_overdue") in page and "已逾期 1 件" in page


def test_the_county_office_does_not_see_callers_names(client, demo):
    ticket = make_ticket(demo.xilian, caller_name="林霞勇")
    demo.client_for(client, "county_office")
    assert "林霞勇" not in client.get(_url(demo, "ticket_detail", pk=ticket.pk)).content.decode()
    assert "林霞勇" not in client.get(_url(demo, "ticket_list")).content.decode()


def _move(client, demo, dispute, **data):
    dispute.refresh_from_db()
    return client.post(_url(demo, "dispute_state", pk=dispute.pk), {"loaded_version": dispute.version, **data})


def test_a_step_dated_before_the_previous_one_is_refused_naming_both_dates(staff_client, demo):
    dispute = make_dispute(demo.xilian, received_on=date(2021, 5, 1))
    assert _move(staff_client, demo, dispute, state="mediating", step_date="2021-05-06").status_code == 302
    response = _move(staff_client, demo, dispute, state="resolved", step_date="2021-05-03", resolved_on="2021-05-03",
                     resolution_method="people")
    errors = response.context["form"].errors
    assert errors["step_date"] == ["办理日期（2021-05-03）不能早于上一步骤“调解中”的日期（2021-05-06）。"]
    assert errors["resolved_on"] == ["化解日期（2021-05-03）不能早于上一步骤“调解中”的日期（2021-05-06）。"]
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.MEDIATING
    with scopes_disabled():
        assert dispute.steps.count() == 1


def test_a_step_may_not_precede_the_receipt(staff_client, demo):
    dispute = make_dispute(demo.xilian, received_on=date(2021, 5, 1))
    response = _move(staff_client, demo, dispute, state="mediating", step_date="2021-04-30")
    assert response.context["form"].errors["step_date"] == [
        "办理日期（2021-04-30）不能早于上一步骤“登记”的日期（2021-05-01）。"]


def test_an_import_step_dated_on_the_import_day_does_not_hold_back_the_next_step(staff_client, demo, staff):
    run(DisputeResource, demo.xilian, xlsx([DISPUTE_HEADER, dispute_row("D1", state="调解中", resolved="", method="")]),
        user=staff)
    with scopes_disabled():
        dispute = Dispute.objects.get()
    response = _move(staff_client, demo, dispute, state="resolved", step_date="2021-01-20", resolved_on="2021-01-20",
                     resolution_method="people")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.resolved_on == date(2021, 1, 20)


def test_a_closing_step_needs_its_follow_up_and_a_transfer_its_body(staff_client, demo):
    dispute = make_dispute(demo.xilian, state=Dispute.State.RESOLVED, resolved_on=date(2021, 3, 9),
                           resolution_method="people")
    closing = _move(staff_client, demo, dispute, state="closed", step_date="2021-03-20", follow_up="")
    assert closing.context["form"].errors["follow_up"] == ["回访结案必须填写回访情况。"]
    other = make_dispute(demo.xilian)
    transfer = _move(staff_client, demo, other, state="transferred", step_date="2021-03-20")
    assert transfer.context["form"].errors["transferred_to"] == ["流转必须填写流转至的单位。"]
    assert _move(staff_client, demo, other, state="transferred", step_date="2021-03-20",
                 transferred_to="西连镇派出所").status_code == 302
    other.refresh_from_db()
    assert (other.state, other.transferred_to) == (Dispute.State.TRANSFERRED, "西连镇派出所")


def test_the_fields_of_a_transition_not_chosen_are_ignored(staff_client, demo):
    dispute = make_dispute(demo.xilian)
    response = _move(staff_client, demo, dispute, state="mediating", step_date="2021-03-05",
                     resolved_on="不是日期", resolution_method="people", follow_up="不该保存", transferred_to="某单位")
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.state, dispute.resolved_on, dispute.resolution_method, dispute.follow_up,
            dispute.transferred_to) == (Dispute.State.MEDIATING, None, "", "", "")


def test_the_state_form_groups_each_transitions_fields_under_its_state(staff_client, demo):
    dispute = make_dispute(demo.xilian)
    html = staff_client.get(_url(demo, "dispute_state", pk=dispute.pk)).content.decode()
    assert '<fieldset class="border rounded p-3 mt-3" data-for-state="resolved">' in html
    assert "变更为“已化解”时填写" in html and "变更为“已流转”时填写" in html
    assert 'data-for-state="closed"' not in html  # 回访结案 does not follow 登记
    assert "js/dispute-state.js" in html


def _correct(client, demo, dispute, **data):
    dispute.refresh_from_db()
    return client.post(_url(demo, "dispute_correct", pk=dispute.pk), {"loaded_version": dispute.version, **data})


def _mediating_since(client, demo, day):
    dispute = make_dispute(demo.xilian, received_on=date(2021, 5, 1))
    _move(client, demo, dispute, state="mediating", step_date=day)
    with scopes_disabled():
        return dispute, dispute.steps.get(state="mediating")


def test_a_step_date_is_corrected_with_who_when_old_new_and_why(staff_client, demo):
    dispute, step = _mediating_since(staff_client, demo, "2021-05-06")
    response = _correct(staff_client, demo, dispute, point=f"step-{step.pk}", new_date="2021-05-04",
                        reason="登记时误填")
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.happened_on == date(2021, 5, 4)
    with scopes_disabled():
        correction = dispute.steps.get(kind="correction")
        audit = AuditLog.objects.filter(object_id=str(dispute.pk)).latest("pk")
    note = "更正：调解中 2021-05-06 → 2021-05-04：登记时误填"
    assert (audit.username, audit.detail) == ("xilian_staff", {"更正日期": note})
    assert (correction.note, correction.state, correction.recorded_by.username) == (note, "mediating", "xilian_staff")
    assert "更正：调解中 2021-05-06 → 2021-05-04：登记时误填" in staff_client.get(
        _url(demo, "dispute_detail", pk=dispute.pk)).content.decode()


def test_a_correction_keeps_the_order_and_needs_a_reason(staff_client, demo):
    dispute, step = _mediating_since(staff_client, demo, "2021-05-06")
    late = _correct(staff_client, demo, dispute, point="received_on", new_date="2021-05-08", reason="误填")
    assert late.context["form"].errors["new_date"] == [
        "更正后的日期（2021-05-08）不能晚于下一步骤“调解中”的日期（2021-05-06）。"]
    no_reason = _correct(staff_client, demo, dispute, point=f"step-{step.pk}", new_date="2021-05-04", reason=" ")
    assert no_reason.context["form"].errors["reason"] == ["请填写更正原因。"]
    step.refresh_from_db()
    with scopes_disabled():
        assert step.happened_on == date(2021, 5, 6) and not dispute.steps.filter(kind="correction").exists()


def test_correcting_the_registration_corrects_the_received_date(staff_client, demo):
    staff_client.post(_url(demo, "dispute_create"), _dispute_data(demo, received_on="2021-05-01"))
    with scopes_disabled():
        dispute = Dispute.objects.get()
        registered = dispute.steps.get(state="registered")
    _correct(staff_client, demo, dispute, point=f"step-{registered.pk}", new_date="2021-04-28", reason="受理单日期")
    dispute.refresh_from_db()
    registered.refresh_from_db()
    assert dispute.received_on == registered.happened_on == date(2021, 4, 28)


def test_the_received_date_is_not_changed_silently_by_the_edit_form(staff_client, demo):
    dispute = make_dispute(demo.xilian, received_on=date(2021, 3, 2))
    data = _dispute_data(demo, case_number=dispute.case_number, received_on="2021-01-01",
                         loaded_version=dispute.version)
    assert staff_client.post(_url(demo, "dispute_edit", pk=dispute.pk), data).status_code == 302
    dispute.refresh_from_db()
    assert dispute.received_on == date(2021, 3, 2)


def test_the_create_form_suggests_the_next_case_number_of_this_year(staff_client, demo):
    year = timezone.localdate().year
    make_dispute(demo.xilian, case_number=f"（{year}）西连调字第9号", received_on=timezone.localdate())
    make_dispute(demo.xilian, case_number=f"({year})西连调字第12号", received_on=timezone.localdate())
    make_dispute(demo.xilian, case_number=f"（{year - 1}）西连调字第40号")
    make_dispute(demo.maichen, case_number=f"（{year}）迈陈调字第50号")
    form = staff_client.get(_url(demo, "dispute_create")).context["form"]
    assert form["case_number"].value() == f"（{year}）西连调字第13号"
    assert form.fields["case_number"].help_text == f"一案一码，例如（{year}）西连调字第1号。"


def test_a_follow_up_may_not_precede_the_resolution_date(staff_client, demo):
    dispute = make_dispute(demo.xilian, received_on=date(2021, 5, 1))
    _move(staff_client, demo, dispute, state="resolved", step_date="2021-05-10", resolved_on="2021-05-12",
          resolution_method="people")
    response = _move(staff_client, demo, dispute, state="closed", step_date="2021-05-11", follow_up="电话回访")
    assert response.context["form"].errors["step_date"] == [
        "办理日期（2021-05-11）不能早于上一步骤“已化解”的日期（2021-05-12）。"]
