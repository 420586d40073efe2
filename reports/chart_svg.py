"""A chart's option as an SVG string, drawn by ECharts' own server-side renderer inside an embedded V8 (the
`mini-racer` wheel): the same echarts.min.js and the same option as the dashboard's browser, so the report's
chart cannot disagree with the dashboard's. No Node, no browser, nothing fetched.

Why not matplotlib (the fallback the issue offered): it would be a second definition of every chart, drawn
differently, and it is no lighter (~40 MB and a font cache to build), while mini-racer is fast enough. Measured
here (2 cores, mini-racer 0.14.1, ECharts 6.1.0; `python -m bench.charts`, medians): loading echarts.min.js into V8
once per process 150 ms on a quiet machine (340–620 ms at a load average of 5–7), then a chart 4–15 ms (the
monthly bars with their values 15 ms; 60–80 ms under that load), the first one after the load slower while V8
warms up. So no fallback: a server without the wheel or node_modules/echarts fails loudly rather than filing a
report whose charts differ from the dashboard's.

The text is drawn with the option's `textStyle.fontFamily` (a CJK face named first): left to `sans-serif`, the
PDF renderer's fontconfig picked a 楷体 face here (DOMAIN.md §2).
"""

import atexit
import json
import threading

from django.contrib.staticfiles import finders

ECHARTS_STATIC_PATH = "vendor/echarts/echarts.min.js"
_RENDER = """
function renderChartSvg(option, width, height) {
  var chart = echarts.init(null, null, {renderer: 'svg', ssr: true, width: width, height: height});
  option.animation = false;
  chart.setOption(option);
  var svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
"""

_lock = threading.Lock()  # one V8 isolate per process: it runs one script at a time
_context = None


def _echarts():
    global _context
    if _context is None:
        from py_mini_racer import MiniRacer

        path = finders.find(ECHARTS_STATIC_PATH)
        if path is None:
            raise RuntimeError(f"找不到 {ECHARTS_STATIC_PATH}：请先运行 npm ci 安装前端依赖。")
        context = MiniRacer()
        with open(path, encoding="utf-8") as source:
            context.eval(source.read())
        context.eval(_RENDER)
        # mini-racer 0.14.1 hangs the interpreter's exit while a context is still open: close it first.
        atexit.register(context.close)
        _context = context
    return _context


def chart_svg(option, *, width, height):
    """The chart `option` (an ECharts option of plain JSON values) drawn as an SVG document of width × height px."""
    payload = json.dumps(option, ensure_ascii=False)
    with _lock:
        return _echarts().eval(f"renderChartSvg({payload}, {int(width)}, {int(height)})")
