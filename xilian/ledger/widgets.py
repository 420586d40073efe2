"""django-import-export widgets for the habits of Chinese ledgers. `clean` raises ValueError with the Chinese
reason (the importer prefixes the row, the column and the value); `render` gives what an export shows."""

import functools
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from import_export.widgets import Widget

from xilian.phones import mask_phone

FULL_WIDTH = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
    0x3000: ord(" "),
    0xFF0D: ord("-"),
    0xFF0F: ord("/"),
    0xFF1A: ord(":"),
    0xFF0E: ord("."),
}
EXCEL_EPOCH = datetime(1899, 12, 30)
DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:时点]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}(?:\.\d+)?))?\s*秒?)?$"
)
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


_NEEDS_TRANSLATION = re.compile("[\uff01-\uff5e\u3000]")
_MESSY_SPACE = re.compile(r"\s\s|[\t\n\r\f\v]")
_NEEDS_EITHER = re.compile(f"{_NEEDS_TRANSLATION.pattern}|{_MESSY_SPACE.pattern}")  # most cells: one search


def plain_text(value):
    """Cell → stripped text: full-width digits, letters and spaces made half-width, inner runs of spaces
    collapsed; an integral number typed into Excel comes back as its digits (never 2.02e+11 or …0.0)."""
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if not _NEEDS_EITHER.search(value):
        return value.strip()
    if _NEEDS_TRANSLATION.search(value):
        value = value.translate(FULL_WIDTH)
    value = value.strip()
    if _MESSY_SPACE.search(value):
        value = " ".join(value.split())
    return value


def _from_serial(number):
    if not 1 <= number < 2958466:
        raise ValueError("不是有效日期")
    return EXCEL_EPOCH + timedelta(days=number)


def _from_text(text):
    match = DATE_TEXT.match(text) or COMPACT_DATE.match(text)
    if not match:
        try:
            return _from_serial(float(text))
        except ValueError:
            raise ValueError("不是有效日期") from None
    year, month, day, hour, minute, second = (list(match.groups()) + [None] * 3)[:6]
    seconds = float(second or 0)
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(seconds))
    except ValueError:
        raise ValueError("不是有效日期") from None


def parse_datetime(value):
    """Excel date cell, Excel serial number, or text such as 2021/1/27 14:54, 2021-01-27, 2021年1月27日."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(value)
    return _from_text(plain_text(value))


def by_value(clean):
    """For a column that repeats a few values thousands of times (村, 诉求类型…): clean each value once. The
    result must depend on the value alone, so the widget is bound before its first row."""

    memo_name = f"_memo_{clean.__qualname__}"

    @functools.wraps(clean)
    def wrapper(self, value, row=None, **kwargs):
        memo = self.__dict__.setdefault(memo_name, {})
        key = (type(value), value)
        try:
            return memo[key]
        except KeyError:
            memo[key] = result = clean(self, value, row, **kwargs)
            return result
        except TypeError:  # an unhashable cell
            return clean(self, value, row, **kwargs)

    return wrapper


# Text Excel would run as a formula; an export prefixes such text with ' (exporting.neutralise).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class TextWidget(Widget):
    def __init__(self, required=False, max_length=None):
        super().__init__()
        self.required = required
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        text = plain_text(value)
        if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
            text = text[1:]  # the ' our export put before text Excel would run, or a clerk typed for the same reason
        if not text and self.required:
            raise ValueError("不能为空")
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"太长了（{len(text)}个字，最多{self.max_length}个字）")
        return text


class DateTimeWidget(Widget):
    """Aware datetimes in the portal's time zone (China has no daylight saving, so replace() is exact)."""

    def __init__(self, required=False, date_only=False):
        super().__init__()
        self.required = required
        self.date_only = date_only
        self.zone = ZoneInfo(settings.TIME_ZONE)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            moment = value
        elif value is None or plain_text(value) == "":
            if self.required:
                raise ValueError("不能为空")
            return None
        else:
            moment = parse_datetime(value)
        return moment.date() if self.date_only else moment.replace(tzinfo=self.zone)

    def render(self, value, obj=None, typed=False, **kwargs):
        """Text; with `typed`, a date or a naive local datetime for a spreadsheet's date cell."""
        if value is None:
            return ""
        if typed:
            return value.astimezone(self.zone).replace(tzinfo=None) if isinstance(value, datetime) else value
        if isinstance(value, datetime):
            local = value.astimezone(self.zone)
            return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")


class IntegerWidget(Widget):
    """A count: whole, and not below `minimum`."""

    def __init__(self, required=False, minimum=0):
        super().__init__(coerce_to_string=False)
        self.required = required
        self.minimum = minimum

    def clean(self, value, row=None, **kwargs):
        text = plain_text(value)
        if text == "":
            if self.required:
                raise ValueError("不能为空")
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("不是数字") from None
        if not number.is_finite():
            raise ValueError("不是数字")
        if self.minimum is not None and number < self.minimum:
            raise ValueError("不能为负数" if self.minimum == 0 else f"不能小于{self.minimum}")
        return self.convert(number)

    def convert(self, number):
        if number != number.to_integral_value():
            raise ValueError("应为整数")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class DecimalWidget(IntegerWidget):
    """A quantity with one decimal (学时), as a Decimal so that a re-import compares equal."""

    def convert(self, number):
        return number.quantize(Decimal("0.1"))


class ChoiceWidget(Widget):
    """A value of a TextChoices, accepted by its Chinese label (or its code)."""

    def __init__(self, choices, required=False, default=None, synonyms=None):
        super().__init__()
        self.choices = choices
        self.required = required
        self.default = default
        self.by_label = {label: value for value, label in choices.choices} | dict(synonyms or {})
        self.by_value = dict(choices.choices)

    @by_value
    def clean(self, value, row=None, **kwargs):
        text = plain_text(value)
        if text == "":
            if self.required and self.default is None:
                raise ValueError("不能为空")
            return self.default
        if text in self.by_label:
            return self.by_label[text]
        if text in self.by_value:
            return text
        raise ValueError(f"不是可选的值（可选：{'/'.join(self.labels())}）")

    def labels(self):
        return [label for _, label in self.choices.choices]

    def render(self, value, obj=None, **kwargs):
        return self.by_value.get(value, value or "")


class MultiChoiceWidget(ChoiceWidget):
    """Several labels in one cell, separated by 、，,;；/ or spaces (e.g. 形式: 街头宣传、横幅)."""

    SEPARATORS = re.compile(r"[、，,;；/\s]+")

    @by_value
    def clean(self, value, row=None, **kwargs):
        parts = [p for p in self.SEPARATORS.split(plain_text(value)) if p]
        if not parts:
            if self.required:
                raise ValueError("不能为空")
            return []
        return [ChoiceWidget.clean(self, part) for part in parts]

    def render(self, value, obj=None, **kwargs):
        return "、".join(self.by_value.get(v, v) for v in value or [])


VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "委员会")


def village_key(name):
    """迈谷村委会 / 迈谷村民委员会 / 迈谷村 → 迈谷村; 海滨社区居委会 → 海滨社区."""
    text = plain_text(name).replace(" ", "")
    for suffix in VILLAGE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if not text.endswith(("村", "社区")):
        text += "村"
    return text


class VillageWidget(Widget):
    """A village (村/社区) of the importing township, by name with or without 村委会/居委会."""

    def __init__(self, required=False):
        super().__init__()
        self.required = required
        self.villages = {}

    def bind(self, township):
        self.villages = {village_key(v.name): v for v in township.villages.all()}
        self.township = township

    @by_value
    def clean(self, value, row=None, **kwargs):
        text = plain_text(value)
        if not text:
            if self.required:
                raise ValueError("不能为空")
            return None
        village = self.villages.get(village_key(text))
        if village is None:
            raise ValueError(f"不是{self.township.name}的村（社区）")
        return village

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class MaskedPhoneWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        try:
            return mask_phone(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None


class LookupWidget(Widget):
    """Objects of a dictionary table chosen by name (纠纷类型, 活动形式): `bind` it to {name: object} first.
    With `many`, one cell holds several names separated by 、，,;；/ or spaces."""

    SEPARATORS = MultiChoiceWidget.SEPARATORS

    def __init__(self, label, required=False, many=False, synonyms=None):
        super().__init__()
        self.label = label
        self.required = required
        self.many = many
        self.synonyms = dict(synonyms or {})
        self.by_name = {}

    def bind(self, objects_by_name):
        self.by_name = dict(objects_by_name)

    def _one(self, name):
        name = self.synonyms.get(name, name)
        if name in self.by_name:
            return self.by_name[name]
        containing = [obj for known, obj in self.by_name.items() if name in known or known in name]
        if len(containing) == 1:
            return containing[0]
        raise ValueError(f"不是已登记的{self.label}（可选：{'、'.join(self.by_name)}）")

    @by_value
    def clean(self, value, row=None, **kwargs):
        text = plain_text(value)
        names = [p for p in self.SEPARATORS.split(text) if p] if self.many else [text] if text else []
        if not names:
            if self.required:
                raise ValueError("不能为空")
            return [] if self.many else None
        objects = [self._one(name) for name in names]
        return list(dict.fromkeys(objects)) if self.many else objects[0]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if hasattr(value, "all"):
            return "、".join(str(v) for v in value.all())
        return str(value)
