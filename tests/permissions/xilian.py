from tests.permissions import READERS, Page, no_kwargs
from xilian.roles import Role

PAGES = [
    Page("township_home", READERS),
    Page("county_overview", frozenset({Role.COUNTY}), kwargs=no_kwargs, scoped=False),
    Page("county_overview_xlsx", frozenset({Role.COUNTY}), kwargs=no_kwargs, scoped=False),
    Page("audit_log", frozenset({Role.AUDITOR}), kwargs=no_kwargs, scoped=False),
]
