from urllib.parse import quote

from django.http import Http404, HttpResponse

from reports.charts import CHARTS, chart_xlsx
from xilian.dashboard import chosen_period
from xilian.roles import Perm
from xilian.scoping import permission_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@permission_required(Perm.VIEW_RECORDS)
def chart_table_xlsx(request, township, key):
    """The table behind one of the 工作台's charts, for the period of the page's URL (?year=&from=&to=)."""
    if key not in CHARTS:
        raise Http404("没有该图表。")
    period, _, _ = chosen_period(request.GET, townships=[township])
    chart = CHARTS[key](township=township, year=period.year, months=period.months)
    content = chart_xlsx(chart, heading=f"{township.county.name}{township.name} · {period.label}")
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{township.name}_{period.label}_{chart.title.replace('：', '_')}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
