// The 工作台's charts: each element marked data-chart-option names the json_script element holding its ECharts
// option (built once, in Python: reports/charts.py). The table behind each chart is in the page for screen readers
// and shown on demand.
(function () {
  "use strict";
  var charts = [];
  document.querySelectorAll("[data-chart-option]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart-option"));
    if (!source || typeof echarts === "undefined") { return; }
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(JSON.parse(source.textContent));
    element.setAttribute("data-chart-ready", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
  document.querySelectorAll("[data-table-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var table = document.getElementById(button.getAttribute("data-table-toggle"));
      var shown = table.classList.toggle("visually-hidden") === false;
      button.setAttribute("aria-expanded", shown ? "true" : "false");
    });
  });
})();
