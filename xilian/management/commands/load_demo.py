import importlib
import importlib.util
import os

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scopes_disabled

from xilian.demo import load_organisation, load_users


def app_demo_loaders():
    """`load(county)` of every local app that has a demo module, in LOCAL_APPS order."""
    for app in settings.LOCAL_APPS:
        if app != "xilian" and importlib.util.find_spec(f"{app}.demo"):
            yield app, importlib.import_module(f"{app}.demo").load


class Command(BaseCommand):
    help = "载入演示数据：徐闻县西连镇、迈陈镇、演示账号及各模块的演示记录（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="在 DEBUG 关闭时也载入（会重置演示账号的密码）")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG 未开启：演示数据只用于本机试用。如确需在此环境载入，请加 --force。")
        password = os.environ.get("DEMO_PASSWORD", "")
        if not password:
            raise CommandError("请设置环境变量 DEMO_PASSWORD（演示账号的密码）。")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("DEMO_PASSWORD 不符合密码规则：" + "；".join(exc.messages)) from None

        with transaction.atomic(), scopes_disabled():
            county = load_organisation()
            users = load_users(county, password)
            for app, load in app_demo_loaders():
                load(county)
                self.stdout.write(f"已载入 {app} 的演示记录")

        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（密码均为 DEMO_PASSWORD）："))
        for user in users:
            where = user.township or user.county or "—"
            self.stdout.write(f"  {user.username:<15} {user.get_role_display():<8} {where}")
        self.stdout.write(f"  密码 / password: {password}")
