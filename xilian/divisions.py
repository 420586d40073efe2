"""A county's organisation tree from its part of the official 统计用区划代码 list (load_divisions).

The list gives a 12-digit code (6 digits county, 3 township, 3 village) and the name as the list writes it, often
prefixed with the county and township and ending in 村委会/居委会 (客路镇客路村委会). The portal shows the short
names (客路村, 西连社区, 西连镇). Loading is idempotent: new units are added, changed names updated, and a unit
missing from the file is never deleted (it is reported as kept)."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from xilian.audit import audit_record_change, record_snapshot
from xilian.ledger.reading import FileRefused, read_sheet
from xilian.models import County, Township, Village

HEADER_SEARCH_ROWS = 20  # a title or a note may sit above the header
MAX_ERRORS_SHOWN = 20


class DivisionsRefused(Exception):
    """The file cannot be loaded; `messages` say why, in Chinese, with Excel's row numbers."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class Division:
    row_number: int
    code: str
    written_name: str

    @property
    def level(self):
        if self.code[4:] == "00000000":
            return "above"  # the province (440000000000) or the city (440800000000)
        if self.code[6:] == "000000":
            return "county"
        if self.code[9:] == "000":
            return "township"
        return "village"


@dataclass
class DivisionList:
    county_code: str
    above: list = field(default_factory=list)
    county: Division | None = None
    townships: list = field(default_factory=list)
    villages: list = field(default_factory=list)


@dataclass
class LoadSummary:
    created: list = field(default_factory=list)  # the new County, Townships and Villages
    renamed: list = field(default_factory=list)  # (unit, "old → new")
    unchanged: int = 0
    kept: list = field(default_factory=list)  # (unit, kinds of rows referring to it): in the database, not the file

    def lines(self):
        lines = [f"新增 {len(self.created)} 个，更名 {len(self.renamed)} 个，未变 {self.unchanged} 个，"
                 f"保留 {len(self.kept)} 个（文件中没有，未删除）。"]
        lines += [f"  新增：{_label(unit)}" for unit in self.created]
        lines += [f"  更名：{change}" for _unit, change in self.renamed]
        lines += [f"  保留：{_label(unit)}（{'有记录：' + '、'.join(kinds) if kinds else '无记录'}）"
                  for unit, kinds in self.kept]
        return lines


def _label(unit):
    return f"{unit.name}（{unit.code}）"


# Reading the file

def read_divisions(content):
    """The file's rows below the province and city, all of one county; raises DivisionsRefused."""
    try:
        sheet = read_sheet(content)
    except FileRefused as refused:
        raise DivisionsRefused([str(refused)]) from None
    numbered = list(sheet.numbered())
    header_index, code_column, name_column = _find_header(numbered)
    divisions, errors, seen = [], [], {}
    for row_number, cells in numbered[header_index + 1:]:
        code = _code_text(_cell(cells, code_column))
        name = _name_text(_cell(cells, name_column))
        if not code:
            continue  # a blank row, a note or a total under the list
        if not re.fullmatch(r"\d{12}", code):
            errors.append(f"第{row_number}行：区划代码“{code}”应为12位数字。")
        elif not name:
            errors.append(f"第{row_number}行：区划代码 {code} 没有名称。")
        elif code in seen:
            errors.append(f"第{row_number}行：区划代码 {code} 与第{seen[code]}行重复。")
        else:
            seen[code] = row_number
            divisions.append(Division(row_number, code, name))
    if errors:
        raise DivisionsRefused(errors)
    return _one_county(divisions)


def _find_header(numbered):
    for index, (_row_number, cells) in enumerate(numbered[:HEADER_SEARCH_ROWS]):
        headers = [_name_text(cell) for cell in cells]
        code_column = next((i for i, h in enumerate(headers) if h.endswith("代码") and "城乡" not in h), None)
        name_column = next((i for i, h in enumerate(headers) if h.endswith("名称")), None)
        if code_column is not None and name_column is not None:
            return index, code_column, name_column
    raise DivisionsRefused(["没有找到表头：需要“统计用区划代码”（或“区划代码”“代码”）和“名称”（或“单位名称”）两列。"])


def _cell(cells, column):
    return cells[column] if column < len(cells) else ""


def _code_text(value):
    """Excel keeps a long code as a number (4.40825106201E+11 on screen, exact in the cell)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _name_text(value).lstrip("'")


def _name_text(value):
    """Full-width digits and spaces as typed in Chinese input methods are the same text."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value if value is not None else "")))


def _one_county(divisions):
    below = [d for d in divisions if d.level != "above"]
    counties = sorted({d.code[:6] for d in below})
    if not counties:
        raise DivisionsRefused(["文件中没有县（区）及以下的区划代码。"])
    if len(counties) > 1:
        raise DivisionsRefused([f"文件包含多个县（区）的区划代码（{'、'.join(counties)}），一次只能载入一个县（区）。"
                                "请把每个县分成一个文件。"])
    result = DivisionList(county_code=counties[0], above=[d for d in divisions if d.level == "above"])
    for division in below:
        if division.level == "county":
            result.county = division
        else:
            getattr(result, f"{division.level}s").append(division)
    return result


# Short names

def _without_prefixes(name, prefixes):
    for prefix in prefixes:
        if prefix and name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix):]
    return name


def township_short_name(written, *, prefixes):
    name = _without_prefixes(written, prefixes)
    return name.removesuffix("办事处") if name.endswith("街道办事处") else name


def village_short_name_and_kind(written, *, code, prefixes):
    """客路村委会 → 客路村 (村); 西连社区居委会 → 西连社区 (社区). Without either ending, the code says: the list
    numbers 居委会 001–199 and 村委会 200–399."""
    name = _without_prefixes(written, prefixes)
    for ending in ("村民委员会", "村委会"):
        if name.endswith(ending):
            return name.removesuffix(ending) + "村", Village.Kind.VILLAGE
    for ending in ("居民委员会", "居委会"):
        if name.endswith(ending):
            base = name.removesuffix(ending)
            return (base if base.endswith("社区") else base + "社区"), Village.Kind.COMMUNITY
    if name.endswith("社区") or int(code[9:]) < 200:
        return name, Village.Kind.COMMUNITY
    return name, Village.Kind.VILLAGE


# Writing the tree

@transaction.atomic
def divisions_load(*, divisions, county_name="", source=""):
    """Create or update the county of `divisions` (a DivisionList), its townships and villages; all or nothing.
    Raises DivisionsRefused, having written nothing, when any unit fails its model's validation."""
    summary, errors = LoadSummary(), []
    detail = {"来源": f"区划代码文件 {source}".strip()}
    above_names = [d.written_name for d in sorted(divisions.above, key=lambda d: d.code)]  # 广东省, 湛江市
    county = _load_county(divisions, county_name, above_names, summary, detail)
    county_prefixes = [*above_names, county.full_name, county.name]

    townships = {t.code: t for t in county.townships.all()}
    written_townships = {}
    for division in divisions.townships:
        name = township_short_name(division.written_name, prefixes=county_prefixes)
        township = townships.get(division.code[:9]) or Township(county=county, code=division.code[:9])
        townships[township.code] = _save(township, {"name": name}, division, summary, errors, detail)
        written_townships[township.code] = _without_prefixes(division.written_name, county_prefixes)

    villages = {v.code: v for v in Village.objects.filter(township__county=county)}
    for division in divisions.villages:
        township = townships.get(division.code[:9])
        if township is None or township.pk is None:
            if division.code[:9] in written_townships:
                continue  # the township's own row was refused, and said so
            errors.append(f"第{division.row_number}行：{division.written_name}（{division.code}）所属的镇（街道）"
                          f"{division.code[:9]} 不在文件中，也尚未载入。")
            continue
        # 城南街道办事处海景居委会 and 城南街道海景居委会 both occur: the longer prefix first.
        prefixes = [*county_prefixes, written_townships.get(township.code, ""), township.name]
        name, kind = village_short_name_and_kind(division.written_name, code=division.code, prefixes=prefixes)
        village = villages.get(division.code) or Village(township=township, code=division.code)
        _save(village, {"name": name, "kind": kind}, division, summary, errors, detail)

    if errors:
        raise DivisionsRefused(errors)  # out of the atomic block: every row written above is rolled back
    in_file = {d.code[:9] for d in divisions.townships} | {d.code for d in divisions.villages}
    summary.kept = [(unit, _referenced_by(unit)) for unit in [*townships.values(), *villages.values()]
                    if unit.code not in in_file]
    return summary


def _load_county(divisions, county_name, above_names, summary, detail):
    county = County.objects.filter(code=divisions.county_code).first()
    written = divisions.county.written_name if divisions.county else ""
    name = _without_prefixes(written, above_names) or county_name or (county.name if county else "")
    if not name:
        raise DivisionsRefused([f"文件中没有县（区）本身的一行（{divisions.county_code}000000），"
                                "请在文件中加上这一行，或用 --county-name 指定县（区）的名称。"])
    changes = {"name": name}
    if above_names:
        changes["full_name"] = "".join(above_names) + name
    errors = []
    county = _save(county or County(code=divisions.county_code), changes, divisions.county, summary, errors, detail)
    if errors:
        raise DivisionsRefused(errors)
    return county


def _save(unit, changes, division, summary, errors, detail):
    adding = unit.pk is None
    before = None if adding else record_snapshot(unit)
    old_name = unit.name
    if not adding and all(getattr(unit, key) == value for key, value in changes.items()):
        summary.unchanged += 1
        return unit
    for key, value in changes.items():
        setattr(unit, key, value)
    try:
        unit.full_clean()
    except ValidationError as invalid:
        where = f"第{division.row_number}行：" if division else ""
        errors.append(f"{where}{unit.name}（{unit.code}）：{'；'.join(invalid.messages)}")
        return unit
    unit.save()
    audit_record_change(request=None, instance=unit, before=before, detail=detail)
    if adding:
        summary.created.append(unit)
    else:
        kind_note = "" if old_name != unit.name else "（类型更正）"
        summary.renamed.append((unit, f"{old_name} → {unit.name}{kind_note}（{unit.code}）"))
    return unit


def _referenced_by(unit):
    """The kinds of rows besides the tree itself that point at the unit (records, users, lists), by their names."""
    kinds = []
    # Hidden relations too: records point at villages and townships with related_name="+".
    for relation in unit._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        model = relation.related_model
        if model is Village or model._meta.auto_created or not model._meta.managed:
            continue  # the tree itself; a many-to-many's own table; a table the portal does not keep
        if model._base_manager.filter(**{relation.field.name: unit}).exists():
            kinds.append(str(model._meta.verbose_name))
    return sorted(set(kinds))
