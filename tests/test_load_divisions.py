"""load_divisions: a county's tree from its part of the 统计用区划代码 list, as counties keep it."""

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from disputes.models import Dispute
from tests.permissions.disputes import make_dispute
from tests.test_ledger_import import xlsx
from xilian.models import AuditLog, County, Township, Village

pytestmark = pytest.mark.django_db

HEADER = ["统计用区划代码", "城乡分类代码", "名称"]
XUWEN = [
    ["440000000000", "", "广东省"],
    ["440800000000", "", "湛江市"],
    ["440825000000", "", "徐闻县"],
    ["440825106000", "", "徐闻县西连镇"],
    ["440825106001", "121", "西连镇西连社区居委会"],
    ["440825106201", "220", "西连镇客路村委会"],
    ["440825106202", "220", "西连镇迈谷村民委员会"],
    ["440825107000", "", "徐闻县城南街道办事处"],
    ["440825107003", "111", "城南街道办事处海景居委会"],
]


def csv_file(tmp_path, rows, encoding="utf-8-sig", name="xuwen.csv"):
    path = tmp_path / name
    path.write_bytes("\r\n".join(",".join(row) for row in rows).encode(encoding))
    return path


def load(path, **options):
    call_command("load_divisions", str(path), **options)


def tree():
    return {
        (t.code, t.name): sorted((v.code, v.name, v.kind) for v in t.villages.all())
        for t in Township.objects.filter(county__code="440825")
    }


EXPECTED_TREE = {
    ("440825106", "西连镇"): [
        ("440825106001", "西连社区", "community"),
        ("440825106201", "客路村", "village"),
        ("440825106202", "迈谷村", "village"),
    ],
    ("440825107", "城南街道"): [("440825107003", "海景社区", "community")],
}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_creates_the_county_townships_and_villages_with_short_names_from_csv(tmp_path, encoding):
    load(csv_file(tmp_path, [HEADER, *XUWEN], encoding=encoding))
    county = County.objects.get(code="440825")
    assert (county.name, county.full_name) == ("徐闻县", "广东省湛江市徐闻县")
    assert tree() == EXPECTED_TREE


def test_it_reads_an_xlsx_with_a_title_row_other_header_names_and_codes_as_numbers(tmp_path):
    path = tmp_path / "xuwen.xlsx"
    rows = [["徐闻县2023年统计用区划代码"], ["区划代码", "单位名称", "城乡分类"]]
    rows += [[int(code), name, kind] for code, kind, name in XUWEN]
    path.write_bytes(xlsx(rows))
    load(path)
    assert tree() == EXPECTED_TREE


def test_running_it_again_changes_nothing_and_says_so(tmp_path, capsys):
    path = csv_file(tmp_path, [HEADER, *XUWEN])
    load(path)
    capsys.readouterr()
    load(path)
    assert "新增 0 个，更名 0 个，未变 7 个，保留 0 个" in capsys.readouterr().out
    assert tree() == EXPECTED_TREE


def test_a_new_list_adds_villages_renames_changed_ones_and_keeps_the_missing(tmp_path, capsys):
    load(csv_file(tmp_path, [HEADER, *XUWEN]))
    with scopes_disabled():
        village = Village.objects.get(code="440825106202")
        make_dispute(Township.objects.get(code="440825106"), village=village)
    capsys.readouterr()
    next_year = [row for row in XUWEN if row[0] not in {"440825106202", "440825107003"}]
    next_year = [[code, kind, "西连镇客路新村委会" if code.endswith("201") else name] for code, kind, name in next_year]
    next_year.append(["440825106203", "220", "西连镇北海村委会"])
    load(csv_file(tmp_path, [HEADER, *next_year]))

    out = capsys.readouterr().out
    assert "新增 1 个，更名 1 个" in out and "保留 2 个" in out
    assert "新增：北海村（440825106203）" in out
    assert "更名：客路村 → 客路新村（440825106201）" in out
    assert "保留：迈谷村（440825106202）（有记录：矛盾纠纷）" in out
    assert "保留：海景社区（440825107003）（无记录）" in out
    names = set(Village.objects.values_list("name", flat=True))
    assert names == {"西连社区", "客路新村", "迈谷村", "北海村", "海景社区"}
    with scopes_disabled():
        assert Dispute.objects.get().village.name == "迈谷村"


def test_every_change_is_audited(tmp_path):
    load(csv_file(tmp_path, [HEADER, *XUWEN]))
    created = AuditLog.objects.filter(action=AuditLog.Action.CREATE, content_type__model__in=["township", "village"])
    assert sorted(created.values_list("object_repr", flat=True)) == ["城南街道", "客路村", "海景社区", "西连社区",
                                                                     "西连镇", "迈谷村"]
    assert created.first().detail == {"来源": "区划代码文件 xuwen.csv"}


def test_it_refuses_a_file_spanning_two_counties_and_writes_nothing(tmp_path):
    rows = [HEADER, *XUWEN, ["440826000000", "", "雷州市"], ["440826100000", "", "雷州市雷城街道办事处"]]
    with pytest.raises(CommandError, match="文件包含多个县（区）的区划代码（440825、440826），一次只能载入一个县"):
        load(csv_file(tmp_path, rows))
    assert not County.objects.exists()


def test_a_bad_code_is_named_with_its_row_and_nothing_is_written(tmp_path):
    rows = [HEADER, *XUWEN, ["44082510620", "220", "西连镇短码村委会"], ["440825106201", "220", "重复村委会"]]
    with pytest.raises(CommandError) as refused:
        load(csv_file(tmp_path, rows))
    assert "第11行：区划代码“44082510620”应为12位数字。" in str(refused.value)
    assert "第12行：区划代码 440825106201 与第7行重复。" in str(refused.value)
    assert not Township.objects.exists()


def test_a_village_refused_by_its_model_rolls_back_the_whole_file(tmp_path):
    rows = [HEADER, *XUWEN, ["440825106204", "220", "西连镇" + "长" * 60 + "村委会"]]
    with pytest.raises(CommandError, match="未载入，数据库没有任何改动"):
        load(csv_file(tmp_path, rows))
    assert not County.objects.exists() and not Village.objects.exists()


def test_a_village_without_its_township_is_refused(tmp_path):
    rows = [HEADER, ["440825000000", "", "徐闻县"], ["440825108201", "220", "某镇某村委会"]]
    with pytest.raises(CommandError, match="第3行：某镇某村委会（440825108201）所属的镇（街道）440825108 不在文件中"):
        load(csv_file(tmp_path, rows))


def test_without_the_county_row_it_needs_the_county_name(tmp_path):
    rows = [HEADER, *[row for row in XUWEN if row[0] != "440825000000"]]
    with pytest.raises(CommandError, match="--county-name"):
        load(csv_file(tmp_path, rows))
    load(csv_file(tmp_path, rows), county_name="徐闻县")
    assert County.objects.get().name == "徐闻县" and tree() == EXPECTED_TREE


def test_a_file_without_the_header_is_refused_in_chinese(tmp_path):
    with pytest.raises(CommandError, match="没有找到表头"):
        load(csv_file(tmp_path, XUWEN))


def test_a_file_the_readers_refuse_is_refused_with_their_message(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="文件是空的"):
        load(path)


def test_it_fits_the_demo_tree(tmp_path, demo):
    rows = [HEADER, ["440825000000", "", "徐闻县"], ["440825106000", "", "西连镇"],
            ["440825106002", "121", "西连镇西连社区居委会"], ["440825106201", "220", "西连镇西连村委会"]]
    load(csv_file(tmp_path, rows))
    assert demo.xilian.villages.count() == 16
    assert Village.objects.get(code="440825106002").name == "西连社区"
