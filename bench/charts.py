"""Benchmark: the report's charts as SVG through ECharts' server-side renderer in mini-racer (reports.chart_svg):
loading echarts.min.js into a fresh V8 once per process, then each of the six chart kinds drawn from options of a
full year's shape (12 months, 15 categories, 16 villages). Prints the median of each.

    python -m bench.charts [--repeat N]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

LOAD = """
import time, django
django.setup()
from reports import chart_svg
started = time.perf_counter()
chart_svg._echarts()
print(time.perf_counter() - started)
"""


def _options():
    from disputes.models import DEFAULT_DISPUTE_CATEGORIES
    from reports import charts

    months = [f"{m}月" for m in range(1, 13)]
    numbers = [(7 * i) % 13 + 1 for i in range(16)]
    bars = [("受理", numbers[:12], charts.RECEIVED_COLOUR), ("已化解", numbers[1:13], charts.DONE_COLOUR)]
    villages = [("纠纷", numbers, charts.RECEIVED_COLOUR), ("工单", numbers, charts.THIRD_COLOUR)]
    pie = [{"name": "满意", "value": 58}, {"name": "基本满意", "value": 14}, {"name": "不满意", "value": 1}]
    return {
        "每月（带数值）": charts._bars(months, bars, labelled=True),
        "纠纷类型": charts._bars(DEFAULT_DISPUTE_CATEGORIES, bars, horizontal=True),
        "村（社区）": charts._bars([f"第{i}村" for i in range(16)], villages, horizontal=True, stacked=True),
        "满意度": {"textStyle": {"fontFamily": charts.FONT_FAMILY}, "series": [{"type": "pie", "data": pie}]},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    loads = [float(subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True,
                                  cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout)
             for _ in range(5)]
    print(f"载入 echarts.min.js（每个进程一次）：中位数 {statistics.median(loads) * 1000:.0f} ms（5个新进程）")

    import django

    django.setup()
    from reports.chart_svg import chart_svg

    for name, option in _options().items():
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            chart_svg(option, width=640, height=300)
            times.append(time.perf_counter() - started)
        print(f"{name}：首次 {times[0] * 1000:.0f} ms，中位数 {statistics.median(times) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
