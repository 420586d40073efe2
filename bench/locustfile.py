"""The journeys of issue 12 as locust users, run by bench/load.py (python -m bench.load).

Every signed-in user logs in through the real login form (GET for the CSRF token, POST, follow the redirect to the
home page of their role) with the demo password in DEMO_PASSWORD. Each request is named by its page and belongs to
a page group; at the end every sample is written, one a line, to the file LOAD_SAMPLES names, from which
bench/load.py computes the percentiles per group. A page answers well when it is a 200 that is not the login page
(an expired or lost session would land there) and holds the text that proves it is the page asked for."""

import os
import random
import re
import time
from datetime import date

from locust import HttpUser, between, events, task

XILIAN = "/t/440825106"
PUBLIC_COUNTY = "/gongkai/440825/"
REPORT_YEAR = 2021
TICKET_LINK = re.compile(XILIAN + r"/disputes/tickets/(\d+)/\"")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# page name → its group in the figures bench/load.py prints
GROUPS = {
    "登录": "登录 login",
    "工单列表": "西连镇工作人员 staff", "纠纷列表": "西连镇工作人员 staff", "普法活动列表": "西连镇工作人员 staff",
    "工单详情": "西连镇工作人员 staff", "台账导入": "西连镇工作人员 staff", "报告编辑": "西连镇工作人员 staff",
    "工作台": "镇领导 leader", "逾期工单": "镇领导 leader", "年度报告": "镇领导 leader",
    "全县概览": "县依法治县办 county", "年度报告报送": "县依法治县办 county",
    "公开页": "公众 public",
}

_samples = []  # locust runs the users as greenlets of one thread: appending needs no lock


@events.request.add_listener
def record_sample(request_type, name, response_time, response_length, exception, **kwargs):
    _samples.append(f"{time.time():.3f}\t{GROUPS.get(name, name)}\t{name}\t{response_time:.1f}\t"
                    f"{0 if exception else 1}\n")


@events.quitting.add_listener
def write_samples(**kwargs):
    if os.environ.get("LOAD_SAMPLES"):
        with open(os.environ["LOAD_SAMPLES"], "w", encoding="utf-8") as samples:
            samples.writelines(_samples)


class PortalUser(HttpUser):
    abstract = True
    # A person reads a page before the next one; 1–3 s is far quicker than a clerk, so the load is on the safe side.
    wait_time = between(1, 3)
    username = None

    def on_start(self):
        if self.username:
            self.log_in()

    def log_in(self):
        form = self.client.get("/accounts/login/", name="登录")
        token = CSRF_INPUT.search(form.text)
        with self.client.post("/accounts/login/", name="登录", catch_response=True, data={
            "username": self.username, "password": os.environ["DEMO_PASSWORD"],
            "csrfmiddlewaretoken": token.group(1) if token else "", "next": "",
        }) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"登录失败：{self.username} 停在 {response.url}（{response.status_code}）")

    def page(self, path, name, expected):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: HTTP {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure(f"{name}: 被转到登录页")
            elif expected not in response.text:
                response.failure(f"{name}: 页面中没有「{expected}」")
            return response


class XilianStaff(PortalUser):
    """西连镇 staff: the lists, a ticket, the ledger import page, the report editor."""
    weight = 4
    username = "xilian_staff"
    ticket_ids = ()

    def on_start(self):
        super().on_start()
        listing = self.page(f"{XILIAN}/disputes/tickets/", "工单列表", "12345")
        self.ticket_ids = sorted(set(TICKET_LINK.findall(listing.text)))

    @task(3)
    def tickets(self):
        self.page(f"{XILIAN}/disputes/tickets/", "工单列表", "12345")

    @task(2)
    def disputes(self):
        self.page(f"{XILIAN}/disputes/cases/", "纠纷列表", "矛盾纠纷")

    @task(2)
    def events(self):
        self.page(f"{XILIAN}/publicity/events/", "普法活动列表", "普法活动")

    @task(3)
    def ticket(self):
        if self.ticket_ids:
            self.page(f"{XILIAN}/disputes/tickets/{random.choice(self.ticket_ids)}/", "工单详情", "办理过程")

    @task(1)
    def ledger_import(self):
        self.page(f"{XILIAN}/ledgers/tickets/import/", "台账导入", "导入")

    @task(1)
    def report_editor(self):
        self.page(f"{XILIAN}/reports/{REPORT_YEAR}/edit/", "报告编辑", "法治政府建设")


class XilianLeader(PortalUser):
    """The leader: the 工作台 for a year, the overdue list, the report."""
    weight = 2
    username = "xilian_leader"

    @task(3)
    def dashboard(self):
        year = random.choice([REPORT_YEAR, date.today().year])
        self.page(f"{XILIAN}/?year={year}", "工作台", "工作台")

    @task(2)
    def overdue(self):
        self.page(f"{XILIAN}/disputes/tickets/overdue/", "逾期工单", "逾期")

    @task(1)
    def report(self):
        self.page(f"{XILIAN}/reports/{REPORT_YEAR}/", "年度报告", "法治政府建设")


class CountyOffice(PortalUser):
    """The county office: every township side by side, the reports filed."""
    weight = 2
    username = "county_office"

    @task(2)
    def overview(self):
        self.page("/county/", "全县概览", "全县")

    @task(1)
    def reports(self):
        self.page("/county/reports/", "年度报告报送", "报送")


class PublicVisitor(PortalUser):
    """Anyone, without login: the county's published reports."""
    weight = 2

    @task
    def published(self):
        self.page(PUBLIC_COUNTY, "公开页", "法治政府建设")

