"""Writes of disputes and tickets: each goes through `record_save` (optimistic lock + audit) and leaves a dated,
signed step row in the same transaction."""

from django.db import transaction

from disputes.models import Dispute, DisputeStep, TicketStep
from xilian.records import record_save


@transaction.atomic
def dispute_save(*, request, form):
    """Register a dispute or correct its ledger fields."""
    creating = form.instance._state.adding
    dispute = record_save(request=request, form=form)
    if creating:
        DisputeStep.objects.create(
            dispute=dispute, state=Dispute.State.REGISTERED, happened_on=dispute.received_on, note="登记受理",
            recorded_by=request.user,
        )
    return dispute


@transaction.atomic
def dispute_change_state(*, request, form):
    """Move a dispute to its next state (form: DisputeStateForm)."""
    dispute = record_save(request=request, form=form)
    DisputeStep.objects.create(
        dispute=dispute, state=dispute.state, happened_on=form.cleaned_data["step_date"],
        note=form.cleaned_data["note"], recorded_by=request.user,
    )
    return dispute


@transaction.atomic
def ticket_save(*, request, form):
    """Register a ticket as the county platform sent it, or correct it."""
    creating = form.instance._state.adding
    ticket = record_save(request=request, form=form)
    if creating:
        TicketStep.objects.create(
            ticket=ticket, action=TicketStep.Action.RECEIVE, happened_at=ticket.received_at,
            note=f"办理时限 {ticket.deadline:%Y-%m-%d}", recorded_by=request.user,
        )
    return ticket


@transaction.atomic
def ticket_act(*, request, form):
    """One step of a ticket's life (form: one of the TicketActionForm subclasses)."""
    ticket = record_save(request=request, form=form)
    TicketStep.objects.create(
        ticket=ticket, action=form.action, happened_at=form.step_time(), note=form.step_note(),
        recorded_by=request.user,
    )
    return ticket
