from django.shortcuts import render

from xilian.roles import Perm
from xilian.scoping import permission_required


@permission_required(Perm.VIEW_RECORDS)
def event_list(request, township):
    return render(request, "xilian/area_pending.html", {"title": "普法活动"})


@permission_required(Perm.VIEW_RECORDS)
def study_list(request, township):
    return render(request, "xilian/area_pending.html", {"title": "学法记录"})
