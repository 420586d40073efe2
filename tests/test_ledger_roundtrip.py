"""The portal's own export comes back in unchanged: for every ledger, as xlsx and as csv, 0 new and 0 updated."""

from pathlib import Path

import pytest
from django.urls import reverse

from disputes.ledgers import DisputeResource, TicketResource
from publicity.ledgers import EventResource, StudyResource
from tests.test_ledger_import import TICKET_HEADER, csv_bytes, run, ticket_row

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent / "samples"
LEDGERS = [
    ("tickets", TicketResource, "12345工单_西连镇_2021.xlsx"),
    ("disputes", DisputeResource, "矛盾纠纷台账_西连镇_2021.xlsx"),
    ("events", EventResource, "普法活动_西连镇_2021.xlsx"),
    ("studies", StudyResource, "学法记录_西连镇_2021.xlsx"),
]


def export(client, demo, kind, file_format):
    url = reverse("ledger_export", kwargs={"township": demo.xilian.code, "kind": kind})
    return client.get(url, {"format": file_format}).content


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize(("kind", "resource_class", "sample"), LEDGERS)
def test_an_export_imports_back_with_nothing_new_and_nothing_changed(
    client, demo, staff, kind, resource_class, sample, file_format
):
    first = run(resource_class, demo.xilian, (SAMPLES / sample).read_bytes())
    assert first.is_clean and first.new > 0
    client.force_login(staff)
    back = run(resource_class, demo.xilian, export(client, demo, kind, file_format))
    assert [str(e) for e in back.errors] == []
    assert (back.new, back.updated, back.unchanged) == (0, 0, first.new)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_formula_like_text_given_deadlines_and_seconds_survive_the_round_trip(client, demo, staff, file_format):
    header = [*TICKET_HEADER, "办理时限"]
    rows = [
        [*ticket_row("=1+2"), "2021-03-01"],
        [*ticket_row("-5", received="2021/1/27 14:54:33", closed="2021/2/3 10:00:59"), ""],
        [*ticket_row("@SUM(A1)"), ""],
    ]
    assert run(TicketResource, demo.xilian, csv_bytes([header, *rows])).new == 3
    client.force_login(staff)
    back = run(TicketResource, demo.xilian, export(client, demo, "tickets", file_format))
    assert [str(e) for e in back.errors] == []
    assert (back.new, back.updated, back.unchanged) == (0, 0, 3)
