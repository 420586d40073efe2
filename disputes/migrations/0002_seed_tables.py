from django.db import migrations

SLA_DAYS = {"consultation": 2, "help": 10, "suggestion": 10, "complaint": 15, "report": 15}
CATEGORIES = [
    "婚姻家庭继承", "邻里", "房屋宅基地", "山林土地承包经营权", "征地拆迁", "道路规划", "损害赔偿", "合同", "劳动争议",
    "村务管理", "环境保护", "交通事故", "医患", "物业", "其他",
]


def seed(apps, schema_editor):
    SlaRule = apps.get_model("disputes", "SlaRule")
    for request_type, days in SLA_DAYS.items():
        SlaRule.objects.get_or_create(request_type=request_type, defaults={"working_days": days})
    DisputeCategory = apps.get_model("disputes", "DisputeCategory")
    for county in apps.get_model("xilian", "County").objects.all():
        for order, name in enumerate(CATEGORIES, start=1):
            DisputeCategory.objects.get_or_create(county=county, name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
