import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xilian.audit import audit_record_change
from xilian.models import User
from xilian.roles import Role


class Command(BaseCommand):
    help = "创建第一个系统管理员账号（管理用户和组织机构，不能查看业务记录）。不加参数时逐项询问。"

    def add_arguments(self, parser):
        parser.add_argument("--username", help="用户名")
        parser.add_argument("--full-name", default="系统管理员", help="姓名（默认：系统管理员）")
        parser.add_argument("--password-from-env", metavar="VAR", help="从这个环境变量读取密码（不在命令行上写密码）")

    def handle(self, *args, username, full_name, password_from_env, **options):
        username = (username or input("用户名：")).strip()
        if not username:
            raise CommandError("用户名不能为空。")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户名 {username} 已存在，未创建。")
        user = User(username=username, full_name=full_name, role=Role.ADMIN, is_staff=True)
        password = self._password(password_from_env)
        try:
            validate_password(password, user=user)
            user.set_password(password)
            user.full_clean()
        except ValidationError as invalid:
            raise CommandError("未创建：" + "；".join(invalid.messages)) from None
        with transaction.atomic():
            user.save()
            audit_record_change(request=None, instance=user, detail={"来源": "create_admin 命令"})
        self.stdout.write(self.style.SUCCESS(f"已创建系统管理员 {username}。请用它登录 /admin/ 创建各镇和县的用户。"))

    def _password(self, variable):
        if variable:
            password = os.environ.get(variable, "")
            if not password:
                raise CommandError(f"环境变量 {variable} 没有设置或为空。")
            return password
        password = getpass.getpass("密码：")
        if password != getpass.getpass("再输入一次密码："):
            raise CommandError("两次输入的密码不一致，未创建。")
        return password
