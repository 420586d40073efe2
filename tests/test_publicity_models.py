import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope

from publicity.models import Event, EventForm, Law, Lawyer, Study
from tests.permissions.publicity import make_event, make_lawyer, make_study

pytestmark = pytest.mark.django_db


def _errors(record):
    with scope(township=record.township), pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


def _event(demo, **fields):
    values = {"date": datetime.date(2021, 4, 15), "name": "国家安全教育日宣传", "theme": "国家安全", "place": "西连圩",
              "organiser": "西连镇人民政府", "participants": 100, **fields}
    return Event(township=demo.xilian, **values)


def test_it_refuses_a_date_more_than_a_day_ahead(demo):
    in_two_days = timezone.localdate() + datetime.timedelta(days=2)
    assert _errors(_event(demo, date=in_two_days))["date"] == ["日期不能晚于明天。"]


def test_it_accepts_tomorrow(demo):
    with scope(township=demo.xilian):
        _event(demo, date=timezone.localdate() + datetime.timedelta(days=1)).full_clean(exclude=["created_by"])


def test_it_refuses_negative_counts(demo):
    errors = _errors(_event(demo, participants=-1, materials=-5))
    assert errors["participants"] == ["参与人数不能为负数。"]
    assert errors["materials"] == ["发放资料份数不能为负数。"]


def test_it_refuses_negative_study_counts(demo):
    study = Study(township=demo.xilian, date=datetime.date(2021, 3, 1), form=Study.Form.EXAM, speaker="镇司法所",
                  chair="镇长", attendees=-3, hours=-1)
    errors = _errors(study)
    assert errors["attendees"] == ["参学人数不能为负数。"]
    assert errors["hours"] == ["学时不能为负数。"]


def test_it_refuses_a_second_event_with_the_same_date_and_name(demo):
    make_event(demo.xilian)
    assert _errors(_event(demo, date=datetime.date(2021, 6, 26), name="禁毒宣传"))["name"] == ["同一天已登记同名活动。"]


def test_a_voided_event_frees_its_natural_key(demo):
    make_event(demo.xilian, voided_at=timezone.now(), void_reason="重复")
    with scope(township=demo.xilian):
        _event(demo, date=datetime.date(2021, 6, 26), name="禁毒宣传").full_clean(exclude=["created_by"])


def test_it_refuses_a_village_of_another_township(demo):
    errors = _errors(_event(demo, village=demo.maichen.villages.first()))
    assert errors["village"] == ["请选择本镇的村（社区）。"]


def test_it_refuses_a_news_link_that_is_not_a_url(demo):
    errors = _errors(_event(demo, news_links="https://www.xuwen.gov.cn/a.html\n不是网址"))
    assert errors["news_links"] == ["不是有效的网址：不是网址"]


def test_it_refuses_the_same_study_form_twice_a_day(demo):
    make_study(demo.xilian)
    study = Study(township=demo.xilian, date=datetime.date(2021, 12, 2), form=Study.Form.COLLECTIVE,
                  speaker="镇法律顾问", chair="镇长", attendees=10, hours=2)
    assert _errors(study)["form"] == ["同一天已登记同一形式的学法。"]


def test_a_lawyers_engagement_cannot_end_before_it_starts(demo):
    lawyer = Lawyer(township=demo.xilian, name="林小红", law_firm="广东海安律师事务所",
                    since=datetime.date(2021, 5, 1), until=datetime.date(2021, 4, 30))
    assert _errors(lawyer)["until"] == ["驻点截止日期不能早于起始日期。"]


def test_it_refuses_the_same_lawyer_twice(demo):
    make_lawyer(demo.xilian)
    lawyer = Lawyer(township=demo.xilian, name="陈伟明", law_firm="广东海安律师事务所", since=datetime.date(2021, 2, 1))
    assert _errors(lawyer)["name"] == ["本镇已登记该律师事务所的这位律师。"]


def test_every_township_starts_with_the_default_laws(demo):
    with scope(township=demo.maichen):
        names = set(Law.objects.filter(township=demo.maichen).values_list("name", flat=True))
    assert {"习近平法治思想", "《中华人民共和国宪法》", "《中华人民共和国民法典》"} <= names


def test_a_law_already_on_the_list_is_refused(demo):
    assert _errors(Law(township=demo.xilian, name=" 《中华人民共和国宪法》 "))["name"] == ["清单中已有该法律法规。"]


def test_a_study_shows_its_laws_when_no_topic_is_given(demo):
    study = make_study(demo.xilian)
    with scope(township=demo.xilian):
        assert study.content() == "《中华人民共和国宪法》"


def test_the_system_admin_can_extend_the_event_forms(client, demo):
    client.force_login(demo.users["admin"])
    assert "普法活动形式" in client.get("/admin/").content.decode()
    client.post("/admin/publicity/eventform/add/", {"name": "文艺演出", "order": 20})
    assert EventForm.objects.filter(name="文艺演出").exists()
