from tests.permissions import READERS, Page

PAGES = [
    Page("publicity:event_list", READERS),
    Page("publicity:study_list", READERS),
]
