import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize("password", ["Xilian@2021", "xilian2021!", "XILIAN2021x", "Abc!defgh"])
def test_it_accepts_eight_characters_of_three_classes(password):
    validate_password(password)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!xyz", "至少需要8个字符"),
        ("xiliantown", "至少3类"),
        ("xilian2021town", "至少3类"),
        ("XILIANTOWN!!", "至少3类"),
    ],
)
def test_it_refuses_a_weak_password_in_chinese(password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_it_refuses_a_common_password_in_chinese():
    with pytest.raises(ValidationError) as refused:
        validate_password("Password1!")
    assert refused.value.messages == ["这个密码太常见了。"]
