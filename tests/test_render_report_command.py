"""render_report: a township's report as PDF, PDF/A-2b or Word from the command line, with a Chinese message for a
township or report that is not there."""

from io import BytesIO, StringIO

import docx
import pikepdf
import pytest
from django.core.management import CommandError, call_command

from tests.report_documents import body_text
from xilian.models import County, Township

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded_demo(demo, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo#2021x")
    call_command("load_demo", stdout=StringIO())
    return demo


def render(tmp_path, *args):
    output = tmp_path / "out"
    stdout = StringIO()
    call_command("render_report", *args, "-o", str(output), stdout=stdout)
    return output.read_bytes(), stdout.getvalue()


def test_it_writes_the_pdf_of_a_township_named_by_name(loaded_demo, tmp_path):
    content, said = render(tmp_path, "--township", "西连镇", "--year", "2021")
    assert "办结率100%" in body_text(content) and "草稿" in said
    assert said.startswith("已输出西连镇2021年度法治政府建设情况报告（草稿）到 ")


def test_it_writes_the_archival_pdf_a_of_a_township_named_by_code(loaded_demo, tmp_path):
    content, _ = render(tmp_path, "--township", loaded_demo.maichen.code, "--year", "2021", "--format", "pdfa")
    with pikepdf.open(BytesIO(content)) as pdf, pdf.open_metadata() as xmp:
        assert (xmp["pdfaid:part"], xmp["dc:title"]) == ("2", "迈陈镇2021年度法治政府建设情况报告")


def test_it_writes_word(loaded_demo, tmp_path):
    content, _ = render(tmp_path, "--township", "西连镇", "--year", "2021", "--format", "docx")
    assert docx.Document(BytesIO(content)).paragraphs[0].text == "西连镇2021年度法治政府建设情况报告"


@pytest.mark.parametrize(("township", "year", "message"), [
    ("东海镇", "2021", "没有找到镇（街道）「东海镇」（可用镇名或9位区划代码）。"),
    ("440825999", "2021", "没有区划代码为 440825999 的镇（街道）。"),
    ("西连镇", "2020", "西连镇没有2020年度报告。"),
])
def test_it_names_what_is_missing_in_chinese_and_writes_nothing(loaded_demo, tmp_path, township, year, message):
    with pytest.raises(CommandError) as refused:
        render(tmp_path, "--township", township, "--year", year)
    assert str(refused.value) == message and not (tmp_path / "out").exists()


def test_a_name_two_townships_share_is_refused(loaded_demo, tmp_path):
    other_county = County.objects.create(code="440826", name="海康县")
    Township.objects.create(county=other_county, code="440826100", name="西连镇")
    with pytest.raises(CommandError, match="有2个镇（街道）名为「西连镇」，请改用区划代码"):
        render(tmp_path, "--township", "西连镇", "--year", "2021")
    assert not (tmp_path / "out").exists()
