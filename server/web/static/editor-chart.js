// A YASR result view for the SPARQL editor: a bar chart of one numeric column, drawn with Apache ECharts
// (served by this server from static/vendor, like YASGUI). Loaded before editor.js, which lists "chart"
// among YASR's plugins. Without ECharts it registers nothing and the editor keeps its table.
(function () {
  "use strict";
  if (!window.Yasgui || !window.echarts) return;
  var NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;
  var MAX_BARS = 500;

  function numericColumns(vars, rows) {
    return vars.filter(function (v) {
      var seen = rows.filter(function (r) { return r[v]; });
      return seen.length > 0 && seen.every(function (r) { return r[v].datatype && NUMERIC.test(r[v].datatype); });
    });
  }

  function BarChart(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
    this.chart = null;
    this.column = null;
  }
  BarChart.prototype.rows = function () {
    return this.yasr.results && this.yasr.results.getBindings ? this.yasr.results.getBindings() || [] : [];
  };
  BarChart.prototype.canHandleResults = function () {
    var r = this.yasr.results;
    return !!(r && r.getVariables && r.getVariables().length && numericColumns(r.getVariables(), this.rows()).length);
  };
  BarChart.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.textContent = "▮▮";
    icon.setAttribute("aria-hidden", "true");
    return icon;
  };
  BarChart.prototype.draw = function () {
    var self = this;
    var vars = this.yasr.results.getVariables();
    var rows = this.rows();
    var numbers = numericColumns(vars, rows);
    if (numbers.indexOf(this.column) < 0) this.column = numbers[0];
    var labelVar = vars.filter(function (v) { return numbers.indexOf(v) < 0; })[0];
    var host = this.yasr.resultsEl;
    host.textContent = "";
    var bar = document.createElement("p");
    bar.className = "smarthame-chart-controls";
    var label = document.createElement("label");
    label.textContent = "Column · Sarake ";
    var select = document.createElement("select");
    select.id = "smarthame-chart-column";
    numbers.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v;
      o.textContent = v;
      select.appendChild(o);
    });
    select.value = this.column;
    select.onchange = function () { self.column = select.value; self.draw(); };
    label.appendChild(select);
    bar.appendChild(label);
    host.appendChild(bar);
    var box = document.createElement("div");
    box.id = "smarthame-chart";
    box.className = "smarthame-chart";
    host.appendChild(box);
    var shown = rows.slice(0, MAX_BARS);
    var names = shown.map(function (r, i) { return labelVar && r[labelVar] ? r[labelVar].value.replace(/^.*[\/#]/, "") : String(i + 1); });
    var values = shown.map(function (r) { return r[self.column] ? Number(r[self.column].value) : null; });
    if (this.chart) this.chart.dispose();
    this.chart = window.echarts.init(box);
    this.chart.setOption({
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 80, right: 20, top: 20, bottom: 120 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: 45, interval: 0, width: 140, overflow: "truncate" } },
      yAxis: { type: "value" },
      series: [{ name: this.column, type: "bar", data: values, itemStyle: { color: "#0b5d7a" } }],
    });
    window.smarthameEditorChart = { column: this.column, labels: names, values: values, truncated: rows.length > MAX_BARS };
  };
  Yasgui.Yasr.registerPlugin("chart", BarChart);
})();
