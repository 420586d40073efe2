"""The --township argument of import_records and export_records: a code, or a name that names one township."""

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from disputes.models import Ticket
from tests.test_ledger_import import TICKET_HEADER, ticket_row, xlsx
from xilian.models import County, Township

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_chengguan(demo):
    """城关镇 in two counties: the name alone does not say which."""
    haikang = County.objects.create(code="440826", name="海康县")
    return [
        Township.objects.create(county=demo.county, code="440825120", name="城关镇"),
        Township.objects.create(county=haikang, code="440826100", name="城关镇"),
    ]


@pytest.fixture
def ticket_file(tmp_path):
    path = tmp_path / "工单.xlsx"
    path.write_bytes(xlsx([TICKET_HEADER, ticket_row("XW1", village="")]))
    return path


def tickets_of(township):
    with scope(township=township):
        return list(Ticket.objects.values_list("ticket_number", flat=True))


def test_import_refuses_a_shared_name_and_lists_the_candidates(two_chengguan, ticket_file):
    with pytest.raises(CommandError) as refused:
        call_command("import_records", "tickets", str(ticket_file), township="城关镇")
    assert str(refused.value) == (
        "有2个镇（街道）名为「城关镇」，请改用区划代码：城关镇（440825120，徐闻县）、城关镇（440826100，海康县）"
    )
    assert tickets_of(two_chengguan[0]) == tickets_of(two_chengguan[1]) == []


def test_import_by_code_picks_the_township_whose_name_is_shared(two_chengguan, ticket_file):
    call_command("import_records", "tickets", str(ticket_file), township="440826100")
    assert (tickets_of(two_chengguan[0]), tickets_of(two_chengguan[1])) == ([], ["XW1"])


def test_import_by_a_unique_name(demo, two_chengguan, ticket_file):
    call_command("import_records", "tickets", str(ticket_file), township="迈陈镇")
    assert tickets_of(demo.maichen) == ["XW1"]


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("不存在镇", "没有找到镇（街道）「不存在镇」（可用镇名或9位区划代码）。"),
        ("440825999", "没有区划代码为 440825999 的镇（街道）。"),
    ],
)
def test_import_names_an_unknown_township(demo, ticket_file, argument, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_records", "tickets", str(ticket_file), township=argument)


def test_export_refuses_a_shared_name_and_writes_nothing(two_chengguan, tmp_path):
    target = tmp_path / "工单.xlsx"
    with pytest.raises(CommandError, match="请改用区划代码：城关镇（440825120，徐闻县）、城关镇（440826100，海康县）"):
        call_command("export_records", "tickets", township="城关镇", output=str(target))
    assert not target.exists()


def test_export_by_code_exports_that_townships_records(two_chengguan, ticket_file, tmp_path, capsys):
    call_command("import_records", "tickets", str(ticket_file), township="440826100")
    capsys.readouterr()
    call_command("export_records", "tickets", township="440826100", output=str(tmp_path / "工单.xlsx"))
    assert "已导出12345工单1条" in capsys.readouterr().out
