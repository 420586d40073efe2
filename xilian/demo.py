"""The demo organisation and users (load_demo). Record apps add their own demo records in `<app>/demo.py`."""

from xilian.models import County, Township, User, Village
from xilian.roles import Role

COUNTY = {"code": "440825", "name": "徐闻县", "full_name": "广东省湛江市徐闻县"}

TOWNSHIPS = [
    ("440825106", "西连镇", ["西连村", "迈谷村", "边板村", "北海村", "龙腋村", "大井村", "英邱村", "龙耳村", "新村村",
                           "南山村", "东岭村", "后坑村", "田头村", "港口村", "海滨社区", "西连社区"]),
    ("440825105", "迈陈镇", ["迈陈村", "东港村", "青桐村", "那板村", "迈埚村", "西坡村", "北潭村", "迈陈社区"]),
]

# username, full name, role, township code (None: county-level or system role)
USERS = [
    ("xilian_staff", "陈晓玲", Role.STAFF, "440825106"),
    ("xilian_leader", "王建国", Role.LEADER, "440825106"),
    ("maichen_staff", "李海燕", Role.STAFF, "440825105"),
    ("county_office", "张志强", Role.COUNTY, None),
    ("auditor", "刘审计", Role.AUDITOR, None),
    ("admin", "系统管理员", Role.ADMIN, None),
]


def _village_codes(township_code, names):
    """Communities take 001…, villages 201… (the 统计用区划代码 convention for 居委会 and 村委会)."""
    communities = villages = 0
    for name in names:
        if name.endswith("社区"):
            communities += 1
            yield name, Village.Kind.COMMUNITY, f"{township_code}{communities:03d}"
        else:
            villages += 1
            yield name, Village.Kind.VILLAGE, f"{township_code}{200 + villages:03d}"


def load_organisation():
    county, _ = County.objects.update_or_create(code=COUNTY["code"], defaults=COUNTY)
    for code, name, village_names in TOWNSHIPS:
        township, _ = Township.objects.update_or_create(code=code, defaults={"county": county, "name": name})
        for village_name, kind, village_code in _village_codes(code, village_names):
            Village.objects.update_or_create(
                code=village_code, defaults={"township": township, "name": village_name, "kind": kind}
            )
    return county


def load_users(county, password):
    users = []
    for username, full_name, role, township_code in USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "role": role,
                "township": Township.objects.get(code=township_code) if township_code else None,
                "county": county if role == Role.COUNTY else None,
                "is_staff": role == Role.ADMIN,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        users.append(user)
    return users
