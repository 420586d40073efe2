"""How a preview tells a clerk what is wrong: identical problems grouped (the first rows of each and a count), and
one notice on top when the file looks like another township's ledger."""

from collections import defaultdict

from xilian.ledger.widgets import VillageWidget, village_key
from xilian.models import Village

ROWS_SHOWN_PER_GROUP = 5


def error_groups(errors):
    """[{column, message, count, rows: [{row, value}] (the first few)}], in the order the problems first occur."""
    groups = {}
    for error in errors:
        group = groups.setdefault(
            (error["column"], error["message"]),
            {"column": error["column"], "message": error["message"], "count": 0, "rows": []},
        )
        group["count"] += 1
        if len(group["rows"]) < ROWS_SHOWN_PER_GROUP:
            group["rows"].append({"row": error["row"], "value": error["value"]})
    return list(groups.values())


def foreign_ledger_notice(resource, errors, total_rows):
    """A sentence when most rows name villages that are not the township's: the file is probably another
    township's ledger. The township is named when all those villages belong to one township of the county (the
    county's division tree is public, unlike any record)."""
    village_columns = {f.column_name for f in resource.columns() if isinstance(f.widget, VillageWidget)}
    foreign = [e for e in errors if e["column"] in village_columns and e["value"]]
    if not foreign or len(foreign) * 2 < total_rows:
        return ""
    township = resource.township
    keys = {village_key(e["value"]) for e in foreign}
    owners = defaultdict(set)
    neighbours = Village.objects.filter(township__county_id=township.county_id).exclude(township=township)
    for village in neighbours.select_related("township"):
        if village_key(village.name) in keys:
            owners[village.township.name].add(village_key(village.name))
    if len(owners) == 1 and set().union(*owners.values()) == keys:
        owner = next(iter(owners))
        return (f"这个文件看起来是{owner}的台账：其中的村（社区）都属于{owner}，不是{township.name}的。"
                f"请确认选对了文件；不必逐行修改。")
    return (f"这个文件看起来是另一个镇的台账：有{len(foreign)}行的村（社区）不是{township.name}的。"
            f"请确认选对了文件；不必逐行修改。")
