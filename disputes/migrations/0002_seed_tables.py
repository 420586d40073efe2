from django.db import migrations

from xilian.audit import audit_seeded_in_migration

SLA_DAYS = {"consultation": 2, "help": 10, "suggestion": 10, "complaint": 15, "report": 15}
CATEGORIES = [
    "婚姻家庭继承", "邻里", "房屋宅基地", "山林土地承包经营权", "征地拆迁", "道路规划", "损害赔偿", "合同", "劳动争议",
    "村务管理", "环境保护", "交通事故", "医患", "物业", "其他",
]


def seed(apps, schema_editor):
    SlaRule = apps.get_model("disputes", "SlaRule")
    rules = [
        SlaRule.objects.get_or_create(request_type=request_type, defaults={"working_days": days})
        for request_type, days in SLA_DAYS.items()
    ]
    audit_seeded_in_migration(
        apps, schema_editor, [rule for rule, created in rules if created],
        describe=lambda rule: f"{rule.get_request_type_display()}：{rule.working_days}个工作日",
    )
    DisputeCategory = apps.get_model("disputes", "DisputeCategory")
    categories = [
        DisputeCategory.objects.get_or_create(county=county, name=name, defaults={"order": order})
        for county in apps.get_model("xilian", "County").objects.all()
        for order, name in enumerate(CATEGORIES, start=1)
    ]
    audit_seeded_in_migration(
        apps, schema_editor, [category for category, created in categories if created],
        describe=lambda category: category.name,
    )


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial"), ("contenttypes", "0002_remove_content_type_name")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
