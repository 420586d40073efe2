import pytest
from django.template import Context, Template
from django.test import RequestFactory

from xilian.listing import sort_queryset
from xilian.models import Village
from xilian.templatetags.portal import percent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ratio", "digits", "shown"), [(106 / 118, 1, "89.8%"), (106 / 118, 0, "90%"), (1, 1, "100.0%"), (None, 1, "—")]
)
def test_percent_is_shown_the_chinese_way(ratio, digits, shown):
    assert percent(ratio, digits) == shown


def test_sorting_accepts_only_whitelisted_columns(demo):
    columns = {"name": "name", "code": "code"}
    request = RequestFactory().get("/", {"sort": "-code"})
    queryset, current = sort_queryset(request, Village.objects.all(), columns, default="name")
    assert current == "-code" and list(queryset)[0].code == "440825106214"
    request = RequestFactory().get("/", {"sort": "password"})
    assert sort_queryset(request, Village.objects.all(), columns, default="name")[1] == "name"


def test_the_sort_link_toggles_direction_and_keeps_filters():
    request = RequestFactory().get("/", {"sort": "name", "village": "3", "page": "2"})
    html = Template("{% load portal %}{% sort_link 'name' '名称' %}").render(Context({"request": request}))
    assert "sort=-name" in html and "village=3" in html and "page" not in html and "▲" in html
