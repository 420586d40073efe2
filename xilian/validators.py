import string

from django.core.exceptions import ValidationError

CHARACTER_CLASSES = {
    "大写字母": lambda c: c in string.ascii_uppercase,
    "小写字母": lambda c: c in string.ascii_lowercase,
    "数字": str.isdigit,
    "特殊符号": lambda c: not c.isalnum(),
}


class CharacterClassValidator:
    """等保2.0 asks for complex passwords: at least `min_classes` of upper case, lower case, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = [name for name, test in CHARACTER_CLASSES.items() if any(test(c) for c in password)]
        if len(present) < self.min_classes:
            raise ValidationError(
                "密码需包含大写字母、小写字母、数字、特殊符号中的至少%(n)d类（当前只有%(found)d类）。",
                code="password_too_simple",
                params={"n": self.min_classes, "found": len(present)},
            )

    def get_help_text(self):
        return f"密码需包含大写字母、小写字母、数字、特殊符号中的至少{self.min_classes}类。"
