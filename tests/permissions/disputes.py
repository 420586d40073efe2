from tests.permissions import READERS, Page

PAGES = [
    Page("disputes:dispute_list", READERS),
    Page("disputes:ticket_list", READERS),
]
