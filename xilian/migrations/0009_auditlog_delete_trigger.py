from django.db import migrations, models

from xilian.db_triggers import POSTGRES_DELETE_DOWN, SQLITE_DELETE_DOWN, install_audit_trigger


def install(apps, schema_editor):
    install_audit_trigger(schema_editor.connection)


def remove_delete_trigger(apps, schema_editor):
    sql = {"postgresql": POSTGRES_DELETE_DOWN, "sqlite": SQLITE_DELETE_DOWN}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('xilian', '0008_county_report_deadlines'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditlog',
            name='action',
            field=models.CharField(choices=[('create', '新增'), ('update', '修改'), ('void', '作废'), ('delete', '删除'), ('import', '批量导入'), ('login', '登录'), ('login_failed', '登录失败'), ('logout', '退出'), ('retention', '过期日志导出清理')], db_index=True, max_length=20, verbose_name='操作'),
        ),
        migrations.RunPython(install, remove_delete_trigger),
    ]
