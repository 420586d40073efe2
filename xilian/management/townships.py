"""The --township argument of the record commands: a 9-digit code, or a name only when it names one township
(a township's name is unique within its county, not across counties)."""

import re

from django.core.management.base import CommandError

from xilian.models import Township

TOWNSHIP_CODE = re.compile(r"[0-9]{9}")


def township_from_argument(value):
    value = value.strip()
    if TOWNSHIP_CODE.fullmatch(value):
        township = Township.objects.filter(code=value).first()
        if township is None:
            raise CommandError(f"没有区划代码为 {value} 的镇（街道）。")
        return township
    matches = list(Township.objects.filter(name=value).select_related("county"))
    if not matches:
        raise CommandError(f"没有找到镇（街道）「{value}」（可用镇名或9位区划代码）。")
    if len(matches) > 1:
        candidates = "、".join(f"{t.name}（{t.code}，{t.county.name}）" for t in matches)
        raise CommandError(f"有{len(matches)}个镇（街道）名为「{value}」，请改用区划代码：{candidates}")
    return matches[0]
