import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope
from PIL import Image

from tests.permissions import READERS, Page
from xilian.roles import Role

STAFF = frozenset({Role.STAFF})


def png_bytes(size=(8, 6)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#c0392b").save(buffer, "PNG")
    return buffer.getvalue()


def make_event(township, **fields):
    from publicity.models import Event, EventForm

    with scope(township=township):
        values = {"date": datetime.date(2021, 6, 26), "name": "禁毒宣传", "theme": "禁毒", "place": "西连圩",
                  "organiser": "西连镇人民政府", "participants": 100, **fields}
        event = Event.objects.create(township=township, **values)
        event.forms.set([EventForm.objects.get(name="讲座")])
    return event


def make_study(township, **fields):
    from publicity.models import Law, Study

    with scope(township=township):
        values = {"date": datetime.date(2021, 12, 2), "form": Study.Form.COLLECTIVE, "speaker": "镇法律顾问",
                  "chair": "镇长", "attendees": 40, "hours": 2, **fields}
        study = Study.objects.create(township=township, **values)
        study.laws.set([Law.objects.get(township=township, name="《中华人民共和国宪法》")])
    return study


def make_lawyer(township, **fields):
    from publicity.models import Lawyer

    with scope(township=township):
        values = {"name": "陈伟明", "law_firm": "广东海安律师事务所", "since": datetime.date(2021, 1, 1), **fields}
        return Lawyer.objects.create(township=township, **values)


def make_attachment(event):
    from publicity.models import Attachment

    attachment = Attachment(township=event.township, event=event, original_name="现场.png", extension="png",
                            content_type="image/png", kind=Attachment.Kind.IMAGE, size=len(png_bytes()))
    attachment.file.save("现场.png", SimpleUploadedFile("现场.png", png_bytes()), save=True)
    return attachment


def _record_kwargs(make):
    def kwargs(demo):
        return {"township": demo.xilian.code, "pk": make(demo.xilian).pk}

    return kwargs


def _attachment_kwargs(demo):
    return {"township": demo.xilian.code, "pk": make_attachment(make_event(demo.xilian)).pk}


PAGES = [
    Page("publicity:event_list", READERS),
    Page("publicity:event_create", STAFF),
    Page("publicity:event_detail", READERS, kwargs=_record_kwargs(make_event)),
    Page("publicity:event_edit", STAFF, kwargs=_record_kwargs(make_event)),
    Page("publicity:event_void", STAFF, kwargs=_record_kwargs(make_event)),
    Page("publicity:event_void", STAFF, kwargs=_record_kwargs(make_event), method="post",
         data={"reason": "重复登记", "loaded_version": 1}, ok_status=302),
    Page("publicity:study_list", READERS),
    Page("publicity:study_create", STAFF),
    Page("publicity:study_detail", READERS, kwargs=_record_kwargs(make_study)),
    Page("publicity:study_edit", STAFF, kwargs=_record_kwargs(make_study)),
    Page("publicity:study_void", STAFF, kwargs=_record_kwargs(make_study)),
    Page("publicity:lawyer_list", READERS),
    Page("publicity:lawyer_create", STAFF),
    Page("publicity:lawyer_edit", STAFF, kwargs=_record_kwargs(make_lawyer)),
    Page("publicity:lawyer_void", STAFF, kwargs=_record_kwargs(make_lawyer)),
    Page("publicity:law_list", READERS),
    Page("publicity:law_create", STAFF),
    Page("publicity:law_create", STAFF, method="post", data={"name": "《中华人民共和国行政许可法》"}, ok_status=302),
    Page("publicity:attachment_file", READERS, kwargs=_attachment_kwargs),
]
