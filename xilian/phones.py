"""Callers' phone numbers: checked strictly, then kept only masked (139****6138). The full number is never stored,
so a number that cannot be masked without showing most of it (a local number without its area code) is refused.
The form, the importer and the model all call `mask_phone`."""

import re
import unicodedata

from django.core.exceptions import ValidationError

MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")
SEPARATORS = re.compile(r"[\s\-()（）]")
MOBILE = re.compile(r"^1\d{10}$")
LANDLINE_WITH_AREA_CODE = re.compile(r"^0\d{9,11}$")


def mask_phone(value):
    """'139 0712 6138' → '139****6138', '0759-4881234' → '075****1234'; an already masked number stays as it is.
    Anything else (letters, a stray *, too few or too many digits) raises ValidationError in Chinese."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
    if not text or MASKED_PHONE.match(text):
        return text
    digits = SEPARATORS.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    if not digits.isdigit():
        raise ValidationError("联系电话只能由数字组成（可带空格或短横线），例如 13907126138。", code="phone_chars")
    if not (MOBILE.match(digits) or LANDLINE_WITH_AREA_CODE.match(digits)):
        raise ValidationError(
            "联系电话位数不对：手机号为1开头的11位数字，固定电话须带区号（如 0759-4881234）。", code="phone_length"
        )
    return f"{digits[:3]}****{digits[-4:]}"
