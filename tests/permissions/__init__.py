"""The register of every portal URL for the permission harness (tests/test_permissions.py).

Each app lists its pages in a module of this package (`tests/permissions/<app>.py`) as `PAGES = [Page(...), ...]`;
the harness finds the modules itself, and `test_every_url_is_registered` fails for a URL nobody registered.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from xilian.roles import Role

EVERY_ROLE = frozenset(Role)
READERS = frozenset({Role.STAFF, Role.LEADER, Role.COUNTY})


def township_kwargs(demo):
    return {"township": demo.xilian.code}


def no_kwargs(demo):
    return {}


@dataclass(frozen=True)
class Page:
    name: str
    allowed: frozenset
    kwargs: Callable = township_kwargs  # builds the URL's kwargs from the demo fixture (may create records)
    scoped: bool = True  # a page of one township (西连镇), so a user of another township must get 404
    method: str = "get"
    data: dict = field(default_factory=dict)
    ok_status: int = 200

    def __str__(self):
        return self.name


def all_pages():
    pages = []
    for module_info in pkgutil.iter_modules(__path__):
        pages += importlib.import_module(f"{__name__}.{module_info.name}").PAGES
    return pages
