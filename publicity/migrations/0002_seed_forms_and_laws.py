from django.db import migrations

EVENT_FORMS = ["讲座", "街头宣传", "横幅", "电子显示屏", "微信", "短信", "展板", "现场宣传", "宪法宣誓", "入户走访",
               "知识竞赛"]


def seed(apps, schema_editor):
    from publicity.services import DEFAULT_LAWS

    EventForm = apps.get_model("publicity", "EventForm")
    Law = apps.get_model("publicity", "Law")
    Township = apps.get_model("xilian", "Township")
    for order, name in enumerate(EVENT_FORMS, start=1):
        EventForm.objects.update_or_create(name=name, defaults={"order": order})
    for township in Township.objects.all():
        for name in DEFAULT_LAWS:
            Law.objects.get_or_create(township=township, name=name)


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial"), ("xilian", "0002_auditlog_append_only")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
