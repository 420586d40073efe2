from tests.permissions import READERS, Page

PAGES = [
    Page("reports:report_list", READERS),
]
