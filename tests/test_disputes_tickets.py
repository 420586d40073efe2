"""12345 tickets as the platform runs them: steps in order, corrections on record, extensions granted in time,
回访 results, 按期办结率 and 满意率 as defined, and the clerk's time inputs."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from disputes import selectors
from disputes.forms import TicketSurveyForm
from disputes.models import Satisfaction, SurveyMethod, Ticket, TicketStep
from tests.permissions.disputes import make_ticket
from xilian.models import AuditLog

pytestmark = pytest.mark.django_db


def _local(*args):
    return timezone.make_aware(datetime(*args))


def _url(demo, name, **kwargs):
    return reverse(f"disputes:{name}", kwargs={"township": demo.xilian.code, **kwargs})


def _errors(ticket):
    with scopes_disabled(), pytest.raises(ValidationError) as caught:
        ticket.full_clean(exclude=["created_by"])
    return caught.value.message_dict


@pytest.fixture
def staff_client(client, demo):
    return demo.client_for(client, "xilian_staff")


def _signed_and_closed(demo, **fields):
    """Received 2021-09-30 10:00, signed 2021-10-08 09:30, closed 09:45, each with its step."""
    ticket = make_ticket(demo.xilian, state=Ticket.State.CLOSED, signed_at=_local(2021, 10, 8, 9, 30),
                         closed_at=_local(2021, 10, 8, 9, 45), reply="已答复。", **fields)
    with scopes_disabled():
        for action, moment in [("receive", ticket.received_at), ("sign", ticket.signed_at),
                               ("close", ticket.closed_at)]:
            TicketStep.objects.create(ticket=ticket, action=action, happened_at=moment)
    return ticket


# Steps in order


def test_a_ticket_cannot_close_before_it_was_signed(demo):
    ticket = make_ticket(demo.xilian, state=Ticket.State.SIGNED, signed_at=_local(2021, 10, 8, 9, 30))
    ticket.state, ticket.reply, ticket.closed_at = Ticket.State.CLOSED, "已答复。", _local(2021, 10, 8, 9, 15)
    assert _errors(ticket)["closed_at"] == ["办结时间（2021-10-08 09:15）不能早于签收时间（2021-10-08 09:30）。"]


def test_a_survey_cannot_precede_the_closing(demo):
    ticket = _signed_and_closed(demo)
    ticket.satisfaction, ticket.survey_method = Satisfaction.SATISFIED, SurveyMethod.PHONE
    ticket.surveyed_at = _local(2021, 10, 8, 9, 40)
    assert _errors(ticket)["surveyed_at"] == ["回访时间（2021-10-08 09:40）不能早于办结时间（2021-10-08 09:45）。"]


def test_closing_before_signing_is_refused_next_to_the_field(staff_client, demo):
    ticket = make_ticket(demo.xilian, state=Ticket.State.SIGNED, signed_at=_local(2021, 10, 8, 9, 30))
    response = staff_client.post(_url(demo, "ticket_action", pk=ticket.pk, action="close"), {
        "closed_at": "2021-10-08 09:15", "reply": "已答复。", "loaded_version": ticket.version})
    assert response.context["form"].errors["closed_at"] == [
        "办结时间（2021-10-08 09:15）不能早于签收时间（2021-10-08 09:30）。"]
    ticket.refresh_from_db()
    assert (ticket.state, ticket.closed_at) == (Ticket.State.SIGNED, None)


def test_a_correction_naming_another_step_is_shown_above_the_form(staff_client, demo):
    ticket = make_ticket(demo.xilian, state=Ticket.State.SIGNED, signed_at=_local(2021, 9, 30, 11))
    response = staff_client.post(_url(demo, "ticket_correct_time", pk=ticket.pk), {
        "time_name": "received_at", "new_time": "2021-09-30 12:00", "reason": "按平台记录",
        "loaded_version": ticket.version})
    assert response.context["form"].non_field_errors() == [
        "签收时间（2021-09-30 11:00）不能早于受理时间（2021-09-30 12:00）。"]
    ticket.refresh_from_db()
    assert ticket.received_at == _local(2021, 9, 30, 10)


# 更正时间


def test_a_wrong_time_is_corrected_on_record(staff_client, demo):
    ticket = _signed_and_closed(demo)
    response = staff_client.post(_url(demo, "ticket_correct_time", pk=ticket.pk), {
        "time_name": "signed_at", "new_time": "2021/10/8 9:10", "reason": "平台记录的签收时间为9:10",
        "loaded_version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.signed_at == _local(2021, 10, 8, 9, 10)
    with scopes_disabled():
        assert ticket.steps.get(action="sign").happened_at == _local(2021, 10, 8, 9, 10)
        correction = ticket.steps.get(action=TicketStep.Action.CORRECT)
        assert AuditLog.objects.filter(object_id=str(ticket.pk), changes__has_key="signed_at").exists()
    assert correction.note == "签收时间 2021-10-08 09:30 → 09:10：平台记录的签收时间为9:10"
    assert correction.recorded_by.username == "xilian_staff"
    page = staff_client.get(_url(demo, "ticket_detail", pk=ticket.pk)).content.decode()
    assert "更正" in page and "签收时间 2021-10-08 09:30 → 09:10" in page


def test_a_correction_out_of_order_is_refused_and_nothing_is_written(staff_client, demo):
    ticket = _signed_and_closed(demo)
    response = staff_client.post(_url(demo, "ticket_correct_time", pk=ticket.pk), {
        "time_name": "closed_at", "new_time": "2021-10-08 09:15", "reason": "按平台记录",
        "loaded_version": ticket.version})
    assert response.context["form"].errors["new_time"] == [
        "办结时间（2021-10-08 09:15）不能早于签收时间（2021-10-08 09:30）。"]
    ticket.refresh_from_db()
    assert ticket.closed_at == _local(2021, 10, 8, 9, 45)
    with scopes_disabled():
        assert not ticket.steps.filter(action=TicketStep.Action.CORRECT).exists()


def test_a_receipt_cannot_be_corrected_into_the_future(staff_client, demo):
    ticket = make_ticket(demo.xilian)
    future = timezone.localtime() + timedelta(days=2)
    response = staff_client.post(_url(demo, "ticket_correct_time", pk=ticket.pk), {
        "time_name": "received_at", "new_time": f"{future:%Y-%m-%d %H:%M}", "reason": "按平台记录",
        "loaded_version": ticket.version})
    assert response.context["form"].errors["new_time"] == ["受理时间不能晚于现在。"]
    ticket.refresh_from_db()
    assert ticket.received_at == _local(2021, 9, 30, 10)


def test_a_correction_needs_a_reason(staff_client, demo):
    ticket = _signed_and_closed(demo)
    response = staff_client.post(_url(demo, "ticket_correct_time", pk=ticket.pk), {
        "time_name": "signed_at", "new_time": "2021-10-08 09:10", "reason": "", "loaded_version": ticket.version})
    assert response.context["form"].errors["reason"] == ["请填写更正原因。"]
    ticket.refresh_from_db()
    assert ticket.signed_at == _local(2021, 10, 8, 9, 30)


# 延期


def test_an_overdue_ticket_cannot_be_extended(staff_client, demo):
    ticket = make_ticket(demo.xilian)  # due 2021-10-09, long past
    response = staff_client.post(_url(demo, "ticket_action", pk=ticket.pk, action="extend"), {
        "extension_applied_on": "2021-10-08", "extension_granted_by": "本人", "extended_deadline": "2099-01-01",
        "extension_reason": "补办", "loaded_version": ticket.version}, follow=True)
    assert "已逾期的工单不能延期" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.extended_deadline is None
    detail = staff_client.get(_url(demo, "ticket_detail", pk=ticket.pk)).content.decode()
    assert _url(demo, "ticket_action", pk=ticket.pk, action="extend") not in detail


def test_an_extension_is_applied_for_by_the_deadline_and_granted_by_the_platform(demo):
    ticket = make_ticket(demo.xilian)
    ticket.extended_deadline, ticket.extension_reason = date(2021, 10, 20), "需现场勘查"
    ticket.extension_applied_on = date(2021, 10, 12)
    errors = _errors(ticket)
    assert errors["extension_granted_by"] == ["延期须经12345平台批准：请填写批准单位/文号或批准人。"]
    assert errors["extension_applied_on"] == [
        "申请延期日期（2021-10-12）晚于办理时限（2021-10-09）：延期须在办理时限届满前申请，已逾期的工单不能延期。"]


def test_an_extension_is_recorded_with_who_granted_it_and_marked_in_the_lists(staff_client, demo):
    today = timezone.localdate()
    ticket = make_ticket(demo.xilian, received_at=timezone.now() - timedelta(days=1), deadline=today + timedelta(3))
    response = staff_client.post(_url(demo, "ticket_action", pk=ticket.pk, action="extend"), {
        "extension_applied_on": f"{today:%Y-%m-%d}", "extension_granted_by": "县12345热线办 延字〔2026〕15号",
        "extended_deadline": f"{today + timedelta(10):%Y-%m-%d}", "extension_reason": "需现场勘查",
        "loaded_version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.extension_granted_by, ticket.extension_applied_on) == ("县12345热线办 延字〔2026〕15号", today)
    with scopes_disabled():
        assert "县12345热线办 延字〔2026〕15号 批准" in ticket.steps.get(action="extend").note
    listing = staff_client.get(_url(demo, "ticket_list")).content.decode()
    assert ">延期</span>" in listing


def test_a_ticket_extended_after_it_was_overdue_still_counts_late(demo):
    """An older record (the form refuses this now): applied for on 10-12, after the 10-09 deadline."""
    ticket = make_ticket(demo.xilian, state=Ticket.State.CLOSED, closed_at=_local(2021, 10, 14, 9), reply="已答复。",
                         extended_deadline=date(2021, 10, 20), extension_reason="补办", extension_granted_by="县热线办",
                         extension_applied_on=date(2021, 10, 12))
    assert ticket.closed_on_time is False
    with scope(township=demo.xilian):
        figures = selectors.ticket_stats(township=demo.xilian, year=2021, today=date(2021, 10, 15))
        late = selectors.ticket_filtered(township=demo.xilian, filters={"deadline": "late"}, today=date(2021, 10, 15),
                                         calendar=None, with_callers=True)
        assert list(late) == [ticket]
    assert (figures.closed_on_time, figures.on_time_rate) == (0, 0.0)


# 回访


def test_the_survey_form_offers_only_real_results_and_asks_how(demo):
    ticket = _signed_and_closed(demo)
    form = TicketSurveyForm({"surveyed_at": "2021-10-09 10:00", "satisfaction": "not_surveyed", "survey_method": "",
                             "loaded_version": ticket.version}, instance=ticket)
    assert "not_surveyed" not in dict(form.fields["satisfaction"].choices)
    assert {"联系不上", "拒绝回访"} <= set(dict(form.fields["satisfaction"].choices).values())
    assert not form.is_valid()
    assert set(form.errors) == {"satisfaction", "survey_method"}


def test_a_survey_records_its_result_its_way_and_its_time(staff_client, demo):
    ticket = _signed_and_closed(demo)
    response = staff_client.post(_url(demo, "ticket_action", pk=ticket.pk, action="survey"), {
        "surveyed_at": "2021/10/9 10:00", "survey_method": "phone", "satisfaction": "unreachable", "note": "",
        "loaded_version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.satisfaction, ticket.survey_method, ticket.surveyed_at) == (
        Satisfaction.UNREACHABLE, SurveyMethod.PHONE, _local(2021, 10, 9, 10))
    with scopes_disabled():
        step = ticket.steps.get(action="survey")
    assert (step.note, step.happened_at) == ("联系不上（电话）", _local(2021, 10, 9, 10))


def test_no_survey_has_no_way_or_time(demo):
    ticket = _signed_and_closed(demo, survey_method=SurveyMethod.PHONE)
    assert _errors(ticket)["survey_method"] == ["未回访的工单不能有回访方式。"]


def test_unreachable_and_refused_surveys_are_outside_the_satisfaction_rate(demo):
    for satisfaction in [Satisfaction.SATISFIED, Satisfaction.DISSATISFIED, Satisfaction.UNREACHABLE,
                         Satisfaction.REFUSED, Satisfaction.NOT_SURVEYED]:
        make_ticket(demo.xilian, state=Ticket.State.CLOSED, closed_at=_local(2021, 10, 8, 9), reply="已答复。",
                    satisfaction=satisfaction)
    with scope(township=demo.xilian):
        figures = selectors.ticket_stats(township=demo.xilian, year=2021)
    assert (figures.surveyed, figures.rated, figures.satisfaction_rate) == (4, 2, 0.5)


# 按期办结率


def test_open_tickets_not_yet_due_are_not_late(demo):
    today = date(2021, 10, 5)
    for _ in range(4):
        make_ticket(demo.xilian)  # due 2021-10-09
    make_ticket(demo.xilian, state=Ticket.State.CLOSED, closed_at=_local(2021, 10, 1, 9), reply="已答复。")
    with scope(township=demo.xilian):
        assert selectors.ticket_stats(township=demo.xilian, year=2021, today=today).on_time_rate == 1.0
        make_ticket(demo.xilian, deadline=date(2021, 10, 4))
        assert selectors.ticket_stats(township=demo.xilian, year=2021, today=today).on_time_rate == 0.5


def test_the_list_shows_how_its_rates_are_defined(staff_client, demo):
    page = staff_client.get(_url(demo, "ticket_list")).content.decode()
    assert selectors.TicketFigures.ON_TIME_RATE_DEFINITION in page
    assert selectors.TicketFigures.SATISFACTION_RATE_DEFINITION in page


# The caller and the clerk's inputs


def test_the_ticket_says_how_to_reach_the_caller_without_storing_the_number(staff_client, demo):
    ticket = make_ticket(demo.xilian, caller_phone="13907126138")
    page = staff_client.get(_url(demo, "ticket_detail", pk=ticket.pk)).content.decode()
    assert "回访请通过12345平台工单联系诉求人（本系统只保存遮蔽号码 139****6138）" in page
    assert "13907126138" not in page


@pytest.mark.parametrize("typed", ["2021/9/30 9:30", "2021-09-30 09:30", "2021/09/30 09:30:00", "2021-09-30T09:30"])
def test_a_time_is_accepted_as_a_clerk_types_it(staff_client, demo, typed):
    staff_client.post(_url(demo, "ticket_create"), {
        "ticket_number": "XW202109300001", "received_at": typed, "channel": "phone", "request_type": "consultation",
        "subject": "社会保障", "title": "医保缴费咨询", "content": "咨询医保缴费渠道。", "caller_name": "",
        "caller_phone": "", "village": "", "handling_unit": "", "deadline": ""})
    with scopes_disabled():
        assert Ticket.objects.get().received_at == _local(2021, 9, 30, 9, 30)


def test_times_default_to_now(staff_client, demo, time_machine):
    time_machine.move_to("2026-11-26 09:30:42 +08:00", tick=False)
    demo.client_for(staff_client, "xilian_staff")
    ticket = make_ticket(demo.xilian, received_at=_local(2026, 11, 26, 9))
    create = staff_client.get(_url(demo, "ticket_create")).content.decode()
    sign = staff_client.get(_url(demo, "ticket_action", pk=ticket.pk, action="sign")).content.decode()
    assert 'name="received_at" value="2026-11-26 09:30"' in create
    assert 'name="signed_at" value="2026-11-26 09:30"' in sign
