from django.shortcuts import render

from xilian.roles import Perm
from xilian.scoping import permission_required


@permission_required(Perm.VIEW_RECORDS)
def report_list(request, township):
    return render(request, "xilian/area_pending.html", {"title": "年度报告"})
