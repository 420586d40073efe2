import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from publicity.models import Event, EventForm, Law, Lawyer, Study
from tests.permissions.publicity import make_event, make_study, png_bytes
from xilian.models import AuditLog
from xilian.records import STALE_MESSAGE

pytestmark = pytest.mark.django_db


def _url(name, demo, **kwargs):
    return reverse(f"publicity:{name}", kwargs={"township": demo.xilian.code, **kwargs})


def _event_data(**overrides):
    return {
        "date": "2021-12-04", "name": "国家宪法日宪法宣传", "theme": "12·4国家宪法日", "key_date": "1204",
        "forms": [str(EventForm.objects.get(name="街头宣传").pk), str(EventForm.objects.get(name="宪法宣誓").pk)],
        "place": "镇政府广场", "village": "", "organiser": "西连镇人民政府", "audience": "群众", "participants": "380",
        "materials": "1500", "lawyer": "", "legal_helpers": "", "news_links": "", "note": "", **overrides,
    }


@pytest.fixture
def staff_client(client, demo):
    return demo.client_for(client, "xilian_staff")


def test_a_clerk_records_an_event_with_a_photo(staff_client, demo):
    photo = SimpleUploadedFile("宪法日.png", png_bytes())
    response = staff_client.post(_url("event_create", demo), _event_data(attachments=[photo]))
    with scope(township=demo.xilian):
        event = Event.objects.get()
        assert response["Location"] == _url("event_detail", demo, pk=event.pk)
        assert event.created_by == demo.users["xilian_staff"] and event.forms.count() == 2
        assert event.attachments.get().original_name == "宪法日.png"
    assert AuditLog.objects.filter(action=AuditLog.Action.CREATE, object_id=str(event.pk)).exists()


def test_a_bad_event_gets_chinese_messages_and_is_not_saved(staff_client, demo):
    response = staff_client.post(_url("event_create", demo), _event_data(participants="-3", date="2999-01-01",
                                                                         forms=[], name=""))
    page = response.content.decode()
    for message in ("参与人数不能为负数。", "日期不能晚于明天。", "请至少选择一种形式。", "请填写此项。"):
        assert message in page
    with scope(township=demo.xilian):
        assert not Event.objects.exists()


def test_the_list_filters_and_totals(staff_client, demo):
    make_event(demo.xilian, participants=100)
    make_event(demo.xilian, name="宪法宣传", theme="宪法", participants=50, key_date="1204")
    make_event(demo.xilian, name="去年活动", date="2020-05-01", participants=7)
    response = staff_client.get(_url("event_list", demo), {"year": "2021", "q": "宪法"})
    assert response.context["totals"] == {"count": 1, "participants": 50, "materials": 0}
    response = staff_client.get(_url("event_list", demo), {"year": "2021", "sort": "-participants"})
    assert [e.name for e in response.context["page"]] == ["禁毒宣传", "宪法宣传"]
    assert response.context["totals"]["participants"] == 150


def test_the_list_filters_by_village_and_form(staff_client, demo):
    village = demo.xilian.villages.get(name="迈谷村")
    make_event(demo.xilian, village=village)
    make_event(demo.xilian, name="全镇活动")
    assert staff_client.get(_url("event_list", demo), {"village": village.pk}).context["totals"]["count"] == 1
    assert staff_client.get(_url("event_list", demo), {"village": "whole"}).context["totals"]["count"] == 1
    lecture = EventForm.objects.get(name="讲座").pk
    assert staff_client.get(_url("event_list", demo), {"form": lecture}).context["totals"]["count"] == 2


def test_a_leader_sees_no_edit_buttons(client, demo):
    event = make_event(demo.xilian)
    demo.client_for(client, "xilian_leader")
    page = client.get(_url("event_detail", demo, pk=event.pk)).content.decode()
    assert "禁毒宣传" in page and "修改" not in page and "作废" not in page
    assert "登记活动" not in client.get(_url("event_list", demo)).content.decode()


def test_voiding_hides_the_event_keeps_it_and_logs_why(staff_client, demo):
    event = make_event(demo.xilian)
    response = staff_client.post(_url("event_void", demo, pk=event.pk), {
        "reason": "与3月活动重复登记", "loaded_version": event.version,
    })
    assert response.status_code == 302
    assert staff_client.get(_url("event_list", demo)).context["totals"]["count"] == 0
    with scope(township=demo.xilian):
        assert Event.objects.get(pk=event.pk).void_reason == "与3月活动重复登记"
    entry = AuditLog.objects.get(action=AuditLog.Action.VOID, object_id=str(event.pk))
    assert entry.actor == demo.users["xilian_staff"] and entry.detail == {"作废原因": "与3月活动重复登记"}


def test_a_void_needs_a_reason(staff_client, demo):
    event = make_event(demo.xilian)
    response = staff_client.post(_url("event_void", demo, pk=event.pk),
                                 {"reason": "  ", "loaded_version": event.version})
    assert "请填写作废原因。" in response.content.decode()


def test_a_stale_edit_is_refused(staff_client, demo):
    event = make_event(demo.xilian)
    with scope(township=demo.xilian):
        Event.objects.filter(pk=event.pk).update(version=2)
    data = _event_data(date="2021-06-26", name="禁毒宣传", loaded_version="1")
    response = staff_client.post(_url("event_edit", demo, pk=event.pk), data)
    assert STALE_MESSAGE in response.content.decode()


def test_another_townships_record_is_404(client, demo):
    event, study = make_event(demo.xilian), make_study(demo.xilian)
    demo.client_for(client, "maichen_staff")
    own = {"township": demo.maichen.code}
    assert client.get(reverse("publicity:event_detail", kwargs={**own, "pk": event.pk})).status_code == 404
    assert client.get(reverse("publicity:study_edit", kwargs={**own, "pk": study.pk})).status_code == 404


def test_a_clerk_records_a_study_session(staff_client, demo):
    with scope(township=demo.xilian):
        constitution = Law.objects.get(township=demo.xilian, name="《中华人民共和国宪法》")
    data = {"date": "2021-12-02", "form": "collective", "laws": [constitution.pk], "topic": "", "speaker": "镇法律顾问",
            "chair": "镇长", "chaired_by_principal": "on", "attendees": "61", "hours": "2"}
    assert staff_client.post(_url("study_create", demo), data).status_code == 302
    response = staff_client.get(_url("study_list", demo), {"law": constitution.pk})
    assert response.context["totals"] == {"count": 1, "attendees": 61, "hours": 2}
    with scope(township=demo.xilian):
        assert Study.objects.get().chaired_by_principal


def test_a_study_needs_a_law_and_non_negative_hours(staff_client, demo):
    data = {"date": "2021-12-02", "form": "collective", "speaker": "镇法律顾问", "chair": "镇长",
            "attendees": "10", "hours": "-1"}
    page = staff_client.post(_url("study_create", demo), data).content.decode()
    assert "请至少选择一部法律法规。" in page and "学时不能为负数。" in page


def test_a_clerk_extends_the_law_list(staff_client, demo):
    staff_client.post(_url("law_create", demo), {"name": "《中华人民共和国行政许可法》"})
    with scope(township=demo.xilian):
        assert Law.objects.filter(township=demo.xilian, name="《中华人民共和国行政许可法》").exists()
    with scope(township=demo.maichen):
        assert not Law.objects.filter(township=demo.maichen, name="《中华人民共和国行政许可法》").exists()
    response = staff_client.post(_url("law_create", demo), {"name": "《中华人民共和国行政许可法》"})
    assert "清单中已有该法律法规。" in response.content.decode()


def test_a_clerk_registers_a_lawyer_for_villages(staff_client, demo):
    villages = [str(v.pk) for v in demo.xilian.villages.all()]
    data = {"name": "陈伟明", "law_firm": "广东海安律师事务所", "phone": "13826013578", "villages": villages,
            "since": "2021-01-01", "until": ""}
    assert staff_client.post(_url("lawyer_create", demo), data).status_code == 302
    page = staff_client.get(_url("lawyer_list", demo), {"on": "2021-12-08"}).content.decode()
    assert "16个村（社区）均配有驻点律师" in page
    with scope(township=demo.xilian):
        assert Lawyer.objects.get().villages.count() == 16


def test_a_lawyer_cannot_serve_another_townships_village(staff_client, demo):
    other_village = demo.maichen.villages.first()
    data = {"name": "陈伟明", "law_firm": "广东海安律师事务所", "since": "2021-01-01", "villages": [other_village.pk]}
    page = staff_client.post(_url("lawyer_create", demo), data).content.decode()
    assert f'field-error">选择一个有效的选项。 {other_village.pk} 不在可用的选项中。</div>' in page
    with scopes_disabled():
        assert not Lawyer.objects.exists()
