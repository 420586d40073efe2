from django.shortcuts import render

from xilian.roles import Perm
from xilian.scoping import permission_required


@permission_required(Perm.VIEW_RECORDS)
def dispute_list(request, township):
    return render(request, "xilian/area_pending.html", {"title": "矛盾纠纷"})


@permission_required(Perm.VIEW_RECORDS)
def ticket_list(request, township):
    return render(request, "xilian/area_pending.html", {"title": "12345工单"})
