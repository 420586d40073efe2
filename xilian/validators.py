import string
from datetime import UTC, datetime

from django.core.exceptions import ValidationError

EARLIEST_RECORD_YEAR = 2000

CHARACTER_CLASSES = {
    "大写字母": lambda c: c in string.ascii_uppercase,
    "小写字母": lambda c: c in string.ascii_lowercase,
    "数字": str.isdigit,
    "特殊符号": lambda c: not c.isalnum(),
}


class PasswordPolicyValidator:
    """等保2.0 asks for complex passwords: at least `min_length` characters of at least `min_classes` of upper
    case, lower case, digits and symbols. (Django 5.2's own length message has no Chinese translation.)"""

    def __init__(self, min_length=8, min_classes=3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(
                "密码太短：至少需要%(min)d个字符（当前%(length)d个）。", code="password_too_short",
                params={"min": self.min_length, "length": len(password)},
            ))
        present = [name for name, test in CHARACTER_CLASSES.items() if any(test(c) for c in password)]
        if len(present) < self.min_classes:
            errors.append(ValidationError(
                "密码太简单：需包含大写字母、小写字母、数字、特殊符号中的至少%(n)d类（当前只有%(found)d类）。",
                code="password_too_simple", params={"n": self.min_classes, "found": len(present)},
            ))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return (f"密码至少{self.min_length}个字符，"
                f"并包含大写字母、小写字母、数字、特殊符号中的至少{self.min_classes}类。")


def plausible_years():
    """(first, last) year a record's date may fall in: from 2000 to the end of next year (a deadline may reach
    into it). Anything else is a typing slip or a probe, and year 1 or 9999 cannot even be stored as UTC."""
    # The UTC year, not localdate()'s: an import checks a year for every date cell, and the local time zone is a
    # thread-local lookup; the UTC year differs from Beijing's for eight hours a year, within "next year"'s slack.
    return EARLIEST_RECORD_YEAR, datetime.now(UTC).year + 1


def is_plausible_date(value, years=None):
    """For a date or a datetime (compared by its own calendar year: no time zone conversion, which is what
    overflows at year 1). `years`: plausible_years(), when the caller checks many dates."""
    first, last = years or plausible_years()
    return first <= value.year <= last


def validate_plausible_date(value):
    if value is not None and not is_plausible_date(value):
        first, last = plausible_years()
        raise ValidationError(f"日期应在{first}年至{last}年之间。", code="implausible_date")
