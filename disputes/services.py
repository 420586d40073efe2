"""Writes of disputes and tickets: each goes through `record_save` (optimistic lock + audit) and leaves a dated,
signed step row in the same transaction. Every service takes the township and the user as keyword arguments, so a
command or a background job calls them as a page does; `request`, when there is one, gives the audit its IP."""

from django.db import transaction
from django.utils import timezone

from disputes.models import Dispute, DisputeStep, Supervision, Ticket, TicketStep
from xilian.audit import audit_record_change, audit_write
from xilian.models import AuditLog
from xilian.records import record_save


@transaction.atomic
def dispute_save(*, township, user, form, request=None):
    """Register a dispute or correct its ledger fields."""
    creating = form.instance._state.adding
    dispute = record_save(township=township, user=user, form=form, request=request)
    if creating:
        DisputeStep.objects.create(
            dispute=dispute, state=Dispute.State.REGISTERED, happened_on=dispute.received_on, note="登记受理",
            recorded_by=user,
        )
    return dispute


@transaction.atomic
def dispute_change_state(*, township, user, form, request=None):
    """Move a dispute to its next state (form: DisputeStateForm)."""
    dispute = record_save(township=township, user=user, form=form, request=request)
    DisputeStep.objects.create(
        dispute=dispute, state=dispute.state, happened_on=form.cleaned_data["step_date"],
        note=form.cleaned_data["note"], recorded_by=user,
    )
    return dispute


@transaction.atomic
def dispute_correct_date(*, township, user, form, request=None):
    """Correct one date of a dispute's course (form: DisputeDateCorrectionForm): the step and the date the dispute
    carries move together, and a 更正 step records who, when, old → new and why."""
    note = form.correction_note()
    dispute = record_save(township=township, user=user, form=form, request=request, detail={"更正日期": note})
    step = form.corrected.step
    if step is not None:
        step.happened_on = form.cleaned_data["new_date"]
        step.save(update_fields=["happened_on"])
    DisputeStep.objects.create(
        dispute=dispute, kind=DisputeStep.Kind.CORRECTION, state=dispute.state, happened_on=timezone.localdate(),
        note=note, recorded_by=user,
    )
    return dispute


@transaction.atomic
def ticket_save(*, township, user, form, request=None):
    """Register a ticket as the county platform sent it, or correct it."""
    creating = form.instance._state.adding
    ticket = record_save(township=township, user=user, form=form, request=request)
    if creating:
        TicketStep.objects.create(
            ticket=ticket, action=TicketStep.Action.RECEIVE, happened_at=ticket.received_at,
            note=f"办理时限 {ticket.deadline:%Y-%m-%d}", recorded_by=user,
        )
    return ticket


@transaction.atomic
def ticket_act(*, township, user, form, request=None):
    """One step of a ticket's life (form: one of the TicketActionForm subclasses)."""
    ticket = record_save(township=township, user=user, form=form, request=request)
    TicketStep.objects.create(
        ticket=ticket, action=form.action, happened_at=form.step_time(), note=form.step_note(), recorded_by=user,
    )
    return ticket


@transaction.atomic
def note_add(*, township, user, record, form, request=None):
    """Add a 办理记录 to a ticket or a dispute of `township`. The audit row names its kind, not its text (which may
    hold names)."""
    note = form.save(commit=False)
    note.recorded_by = user
    note.save()
    audit_write(
        action=AuditLog.Action.UPDATE, request=request, actor=user, township=township, instance=record,
        detail={"办理记录": note.get_kind_display()},
    )
    return note


@transaction.atomic
def ticket_correct_time(*, township, user, form, request=None):
    """更正时间 (form: TicketTimeCorrectionForm): the ticket's time and its step's time corrected, and the
    correction (old → new, why) kept as a step of its own."""
    ticket = record_save(township=township, user=user, form=form, request=request)
    name = form.cleaned_data["time_name"]
    corrected_step = ticket.steps.filter(action=form.corrected_action).order_by("-happened_at", "-pk").first()
    if corrected_step:
        corrected_step.happened_at = getattr(ticket, name)
        corrected_step.save(update_fields=["happened_at"])
    TicketStep.objects.create(
        ticket=ticket, action=TicketStep.Action.CORRECT, happened_at=timezone.now(), note=form.step_note(),
        recorded_by=user,
    )
    return ticket


@transaction.atomic
def supervision_create(*, record, user, instruction, request=None):
    """督办: a leader's 批示 on an overdue ticket or a dispute open too long (Supervision.clean says which); a
    ValidationError with the reason, and nothing written, for any other record."""
    supervision = Supervision(
        township=record.township, instruction=instruction.strip(), state=record.state, issued_by=user,
        **{"ticket" if isinstance(record, Ticket) else "dispute": record},
    )
    supervision.full_clean()
    supervision.save()
    audit_record_change(request=request, instance=supervision, actor=user, township=record.township)
    return supervision
