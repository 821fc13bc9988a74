// The analyst's dashboard: every chart and table is drawn from a saved query's answer, read from this
// server (/dashboard/data/{name}.json: the saved query's answer computed from the version's dashboard
// index; /dashboard/network.json, /dashboard/projects.json). Apache ECharts draws
// the charts when `make assets` has installed it; without it the tables alone are shown. Each chart has a
// table beside or below it and works by keyboard (arrow keys move, Enter opens the Linked Data page).
// What was drawn is kept in window.smarthameDashboard for the browser tests and for the curious.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("dashboard-config").textContent);
  var M = cfg.messages;
  var LOCALES = { fi: "fi-FI", sv: "sv-FI", en: "en-GB" };
  var COLOURS = ["#1b7f5f", "#c4862b", "#2f5f9e", "#a34a78", "#6b8e23", "#8c564b", "#17becf", "#7f7f7f",
    "#bcbd22", "#d62728", "#9467bd", "#e377c2"];
  var BRIDGE = "#222222", NONE = "#9aa5ad";
  var charts = window.echarts && cfg.charts ? window.echarts : null;
  var state = { view: null, drawn: {}, instances: {} };
  window.smarthameDashboard = state.drawn;

  // --- helpers -------------------------------------------------------------------------------------
  function fmt(key, values) {
    return (M[key] || key).replace(/\{(\w+)\}/g, function (_, k) { return values && k in values ? values[k] : ""; });
  }
  var moneyFormat = new Intl.NumberFormat(LOCALES[cfg.lang], { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  var numberFormat = new Intl.NumberFormat(LOCALES[cfg.lang], { maximumFractionDigits: 3 });
  function money(v) { return v === null || v === undefined ? "—" : moneyFormat.format(v); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function pageHref(iri) {
    if (!iri) return null;
    return iri.indexOf(cfg.baseIri) === 0 ? "/" + iri.slice(cfg.baseIri.length) : iri;
  }
  function link(iri, text) {
    var href = pageHref(iri);
    return href ? el("a", { href: href, text: text }) : document.createTextNode(text);
  }
  function query(params) {
    var q = new URLSearchParams();
    Object.keys(params).forEach(function (k) { if (params[k]) q.set(k, params[k]); });
    var s = q.toString();
    return s ? "?" + s : "";
  }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) return r.json().then(function (e) { throw new Error(e.message || r.statusText); });
      return r.json();
    });
  }
  // SPARQL JSON results -> plain objects; numbers where the datatype says so.
  function rows(results) {
    return results.results.bindings.map(function (b) {
      var out = {};
      Object.keys(b).forEach(function (k) {
        var t = b[k];
        var numeric = t.datatype && /#(integer|decimal|double|float|long|int)$/.test(t.datatype);
        out[k] = numeric ? Number(t.value) : t.value;
      });
      return out;
    });
  }
  function saved(name, params) {
    return getJSON(cfg.queries[name].data + query(params)).then(rows);
  }
  function queryLinks(target, names, params) {
    var box = document.getElementById(target);
    box.textContent = "";
    names.forEach(function (name) {
      var q = cfg.queries[name];
      var keep = {};
      q.parameters.forEach(function (p) { if (params[p]) keep[p] = params[p]; });
      box.appendChild(el("strong", { text: q.title + ": " }));
      box.appendChild(el("a", { href: q.csv + query(keep), className: "data-csv", text: M.data_csv }));
      box.appendChild(el("a", { href: q.sparql, className: "sparql", text: M.sparql }));
      box.appendChild(el("a", { href: q.editor, className: "open-in-editor", text: M.editor }));
      box.appendChild(el("a", { href: q.html + query(keep), text: M.query_page }));
      box.appendChild(el("br"));
    });
  }
  function table(headers, body) {
    var head = el("tr", {}, headers.map(function (h) {
      return el("th", { scope: "col", className: h.num ? "num" : "" }, [h.node || h.text]);
    }));
    var tbody = el("tbody", {}, body.map(function (cells) {
      return el("tr", {}, cells.map(function (c, i) {
        var node = c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? "" : String(c));
        return el("td", { className: headers[i].num ? "num" : "" }, [node]);
      }));
    }));
    return el("table", { className: "data" }, [el("thead", {}, [head]), tbody]);
  }
  function put(id, node) {
    var box = document.getElementById(id);
    box.textContent = "";
    box.appendChild(node);
  }
  function fail(id, error) { put(id, el("p", { className: "notice", text: fmt("error", { message: error.message }) })); }
  function controlValues(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (e) { if (e.name) out[e.name] = e.value; });
    return out;
  }
  function fillAmountTypes(form, chosen) {
    var select = form.querySelector("select[name=amount_type]");
    if (!select || select.options.length) return;
    cfg.amountTypes.forEach(function (a) { select.appendChild(el("option", { value: a.value, text: a.label })); });
    if (chosen) select.value = chosen;
  }
  function chart(id) {
    if (!charts) return null;
    if (!state.instances[id]) {
      var node = document.getElementById(id);
      state.instances[id] = charts.init(node, null, { renderer: "canvas" });
      window.addEventListener("resize", function () { state.instances[id].resize(); });
    }
    return state.instances[id];
  }
  // Keyboard: arrow keys step through `items` (showing each one's tooltip), Enter opens its page.
  function keyboard(id, items, seriesOf, indexOf, hrefOf) {
    var node = document.getElementById(id);
    var position = -1;
    node.onkeydown = function (e) {
      var c = state.instances[id];
      if (!c || !items().length) return;
      if (e.key === "ArrowRight" || e.key === "ArrowDown") position = (position + 1) % items().length;
      else if (e.key === "ArrowLeft" || e.key === "ArrowUp") position = (position - 1 + items().length) % items().length;
      else if (e.key === "Enter" && position >= 0) { var href = hrefOf(items()[position]); if (href) window.location.href = href; return; }
      else return;
      e.preventDefault();
      var item = items()[position];
      c.dispatchAction({ type: "downplay" });
      c.dispatchAction({ type: "highlight", seriesIndex: seriesOf(item), dataIndex: indexOf(item) });
      c.dispatchAction({ type: "showTip", seriesIndex: seriesOf(item), dataIndex: indexOf(item) });
      state.drawn[id + "Focus"] = item;
    };
  }
  function tipText(lines) {  // a tooltip's HTML: escaped text lines, no inline style
    return lines.map(function (l) {
      return String(l).replace(/[&<>"]/g, function (ch) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[ch]; });
    }).join("<br>");
  }
  function setURL(params) {
    var all = Object.assign({ view: state.view }, params);
    window.history.replaceState(null, "", "/dashboard" + query(all));
    // The header's language switch keeps what is on show.
    Array.prototype.forEach.call(document.querySelectorAll("nav.lang a[hreflang]"), function (a) {
      a.href = "/dashboard" + query(Object.assign({}, all, { lang: a.getAttribute("hreflang") }));
    });
  }
  var initial = new URLSearchParams(window.location.search);

  // --- 1. funding and project counts by group and year --------------------------------------------
  var fundingForm = document.getElementById("funding-controls");
  function drawFunding() {
    var v = controlValues(fundingForm);
    var params = { grouping: v.grouping, amount_type: v.amount_type, lang: cfg.lang };
    var money = v.measure === "money";
    fundingForm.querySelector(".amount-type").hidden = !money;
    setURL({ grouping: v.grouping, measure: v.measure, amount_type: money ? v.amount_type : "" });
    var main = money ? "funding-by-group-and-year" : "projects-by-group-and-year";
    var mainParams = money ? params : { grouping: v.grouping, lang: cfg.lang };
    queryLinks("funding-links", [main, "group-coverage"], params);
    return Promise.all([saved(main, mainParams), saved("group-coverage", params)]).then(function (answers) {
      var data = answers[0], coverage = answers[1];
      var all = coverage.filter(function (r) { return r.scope === "selection"; })[0] || { projects: 0, projects_with_amount: 0, projects_with_dated_amount: 0, projects_with_start: 0 };
      document.getElementById("funding-coverage").textContent = money
        ? fmt("coverage", { with: all.projects_with_amount, all: all.projects, dated: all.projects_with_dated_amount })
        : fmt("coverage_counts", { with: all.projects_with_start, all: all.projects });
      var years = Array.from(new Set(data.map(function (r) { return r.year; }))).sort();
      var groups = [];
      data.forEach(function (r) {
        if (!groups.some(function (g) { return g.group === r.group; })) groups.push({ group: r.group, label: r.group_label, order: r.order, strategy: r.strategy });
      });
      groups.sort(function (a, b) { return a.order < b.order ? -1 : a.order > b.order ? 1 : 0; });
      var series = groups.map(function (g) {
        return {
          group: g.group, label: g.label,
          points: years.map(function (y) {
            var r = data.filter(function (d) { return d.group === g.group && d.year === y; })[0];
            return { year: y, value: r ? (money ? r.total_eur : r.projects) : 0, projects: r ? r.projects : 0, sum: r && money ? r.total_eur : null };
          }),
        };
      });
      state.drawn.funding = { measure: v.measure, grouping: v.grouping, amount_type: v.amount_type, years: years, series: series, coverage: all };
      put("funding-table", data.length ? table(
        [{ text: M.group }, { text: M.year }, { text: M.projects, num: true }].concat(money ? [{ text: M.sum, num: true }] : []),
        data.map(function (r) { return [link(r.group, r.group_label), r.year, r.projects].concat(money ? [money_(r.total_eur)] : []); })
      ) : el("p", { text: M.no_data }));
      var c = chart("funding-chart");
      if (!c) return;
      c.clear();
      c.setOption({
        aria: { enabled: true },
        animation: false,
        color: COLOURS,
        tooltip: {
          trigger: "item", confine: true,
          formatter: function (p) {
            var point = series[p.seriesIndex].points[p.dataIndex];
            return tipText([p.seriesName, M.year + " " + point.year,
              money ? M.sum + ": " + money_(point.sum) : null, M.projects + ": " + point.projects].filter(Boolean));
          },
        },
        legend: { type: "scroll", top: 0 },
        grid: { left: 90, right: 20, top: 50, bottom: 40 },
        xAxis: { type: "category", data: years },
        yAxis: { type: "value", axisLabel: { formatter: function (x) { return money ? money_(x) : x; } } },
        series: series.map(function (s) {
          return { name: s.label, type: "bar", stack: "all", emphasis: { focus: "series" },
            data: s.points.map(function (p) { return p.value; }) };
        }),
      });
      c.off("click");
      c.on("click", function (p) { window.location.href = pageHref(series[p.seriesIndex].group); });
    }).catch(function (e) { fail("funding-table", e); });
  }
  function money_(v) { return money(v); }
  keyboard("funding-chart",
    function () {
      var f = state.drawn.funding, out = [];
      if (!f) return out;
      f.series.forEach(function (s, si) { s.points.forEach(function (p, pi) { if (p.value) out.push({ s: si, i: pi, group: s.group }); }); });
      return out;
    },
    function (it) { return it.s; }, function (it) { return it.i; }, function (it) { return pageHref(it.group); });

  // --- 2. Smart Tavastia -> Smart Häme ------------------------------------------------------------
  var flowForm = document.getElementById("flow-controls");
  function drawFlow() {
    var v = controlValues(flowForm);
    var params = { amount_type: v.amount_type, lang: cfg.lang };
    setURL({ amount_type: v.amount_type });
    queryLinks("flow-links", ["strategy-flow"], params);
    return saved("strategy-flow", params).then(function (data) {
      var nodes = data.filter(function (r) { return r.kind === "spearhead"; });
      var mappings = data.filter(function (r) { return r.kind === "mapping"; });
      var left = nodes.filter(function (n) { return /smart-tavastia/.test(n.source_scheme); });
      var right = nodes.filter(function (n) { return !/smart-tavastia/.test(n.source_scheme); });
      state.drawn.flow = { nodes: nodes, mappings: mappings };
      var nodeRows = nodes.map(function (n) {
        return [/smart-tavastia/.test(n.source_scheme) ? M.from : M.to, link(n.source, n.source_label), n.projects, money(n.total_eur || 0)];
      });
      var box = el("div", {}, [
        table([{ text: M.from }, { text: M.relation }, { text: M.to }, { text: M.shared_projects, num: true }],
          mappings.map(function (m) { return [link(m.source, m.source_label), m.relation, link(m.target, m.target_label), m.projects]; })),
        table([{ text: M.strategy }, { text: M.spearhead }, { text: M.projects, num: true }, { text: M.sum, num: true }], nodeRows),
      ]);
      put("flow-table", box);
      var c = chart("flow-chart");
      if (!c) return;
      var graphNodes = left.map(function (n, i) { return { n: n, x: 0, y: i }; }).concat(right.map(function (n, i) { return { n: n, x: 1, y: i }; }));
      var maxProjects = Math.max.apply(null, nodes.map(function (n) { return n.projects; }).concat([1]));
      var maxShared = Math.max.apply(null, mappings.map(function (m) { return m.projects; }).concat([1]));
      state.drawn.flowNodes = graphNodes.map(function (g) { return g.n; });
      c.clear();
      c.setOption({
        aria: { enabled: true },
        animation: false,
        tooltip: {
          confine: true,
          formatter: function (p) {
            if (p.dataType === "edge") {
              var m = mappings[p.dataIndex];
              return tipText([m.source_label + " → " + m.target_label, M.relation + ": " + m.relation, M.shared_projects + ": " + m.projects]);
            }
            var n = graphNodes[p.dataIndex].n;
            return tipText([n.source_label, M.projects + ": " + n.projects, M.sum + ": " + money(n.total_eur || 0) + " (" + n.projects_with_amount + ")"]);
          },
        },
        series: [{
          type: "graph", layout: "none", left: 240, right: 300, top: 40, bottom: 40,
          label: { show: true, position: "left", width: 230, overflow: "break", lineHeight: 15, fontSize: 12 },
          edgeSymbol: ["none", "arrow"],
          data: graphNodes.map(function (g) {
            return { name: g.n.source, value: g.n.projects, x: g.x * 600, y: g.y * 80,
              symbolSize: 14 + 26 * Math.sqrt(g.n.projects / maxProjects),
              label: { position: g.x ? "right" : "left", formatter: g.n.source_label + " (" + g.n.projects + ")" },
              itemStyle: { color: g.x ? COLOURS[2] : COLOURS[1] } };
          }),
          links: mappings.map(function (m) {
            return { source: m.source, target: m.target, value: m.projects,
              lineStyle: { width: 1 + 11 * (m.projects / maxShared), opacity: 0.6, curveness: 0.08, type: m.relation === "relatedMatch" ? "dashed" : "solid" } };
          }),
        }],
      });
      c.off("click");
      c.on("click", function (p) {
        var iri = p.dataType === "edge" ? mappings[p.dataIndex].target : graphNodes[p.dataIndex].n.source;
        window.location.href = pageHref(iri);
      });
    }).catch(function (e) { fail("flow-table", e); });
  }
  keyboard("flow-chart", function () { return state.drawn.flowNodes || []; },
    function () { return 0; }, function (n) { return state.drawn.flowNodes.indexOf(n); }, function (n) { return pageHref(n.source); });

  // --- 3. the cooperation network -----------------------------------------------------------------
  var networkForm = document.getElementById("network-controls");
  var facetValues = null;  // the spearheads and periods of project-facet-values, fetched once: the filters' options
  function loadFacetValues() {
    if (!facetValues) {
      facetValues = Promise.all(["spearhead", "period"].map(function (facet) {
        return saved("project-facet-values", { facet: facet, lang: cfg.lang });
      })).then(function (parts) { return parts[0].concat(parts[1]); });
    }
    return facetValues;
  }
  function spearheadColour(spearheads, themes) {
    if (spearheads.length >= 2) return BRIDGE;
    if (spearheads.length === 0) return NONE;
    return COLOURS[Math.max(0, themes.indexOf(spearheads[0])) % COLOURS.length];
  }
  function drawNetwork() {
    var v = controlValues(networkForm);
    var params = { period: v.period, spearhead: v.spearhead, lang: cfg.lang };
    setURL({ period: v.period, spearhead: v.spearhead });
    queryLinks("network-links", ["organisation-network"], params);
    return Promise.all([getJSON("/dashboard/network.json" + query(params)), loadFacetValues()]).then(function (answers) {
      var net = answers[0], values = answers[1];
      var themes = values.filter(function (r) { return r.facet === "spearhead" && /\/concept\/spearheads\//.test(r.value); });
      var themeIris = themes.map(function (t) { return t.value; });
      var themeLabel = {};
      themes.forEach(function (t) { themeLabel[t.value] = t.label; });
      state.drawn.network = net;
      document.getElementById("network-counts").textContent = fmt("network_counts", {
        organisations: net.counts.organisations, edges: net.counts.edges, bridges: net.counts.bridges, drawn: net.counts.drawn_nodes,
      }) + (net.betweenness_estimated ? " " + fmt("betweenness_estimated", { pivots: net.betweenness_pivots }) : "");
      put("network-table", table(
        [{ text: M.organisation }, { text: M.type }, { text: M.projects, num: true }, { text: M.degree, num: true },
          { text: M.betweenness, num: true }, { text: M.spearheads, num: true }, { text: M.bridge }],
        net.organisations.map(function (o) {
          var swatch = el("span", { className: "swatch " + (o.bridge ? "bridge" : o.spearhead_count ? "c" + (themeIris.indexOf(o.spearheads[0]) % 4) : "none") });
          return [el("span", {}, [swatch, link(o.organisation, o.name)]), o.type, o.projects, o.degree,
            numberFormat.format(o.betweenness), o.spearhead_count, o.bridge ? "◆ " + M.yes : M.no];
        })
      ));
      var c = chart("network-chart");
      if (!c) return;
      var maxProjects = Math.max.apply(null, net.nodes.map(function (n) { return n.projects; }).concat([1]));
      c.clear();
      c.setOption({
        aria: { enabled: true },
        animation: false,
        tooltip: {
          confine: true,
          formatter: function (p) {
            if (p.dataType === "edge") {
              var e = net.edges[p.dataIndex];
              return tipText([M.shared_projects + ": " + e.shared_projects]);
            }
            var n = net.nodes[p.dataIndex];
            return tipText([n.name + (n.bridge ? " ◆ " + M.bridge : ""), n.type || "", M.projects + ": " + n.projects,
              M.degree + ": " + n.degree, M.betweenness + ": " + numberFormat.format(n.betweenness),
              M.spearheads + ": " + (n.spearheads.map(function (s) { return themeLabel[s] || s; }).join(", ") || M.no_spearhead)]);
          },
        },
        series: [{
          type: "graph", layout: "force", roam: true, draggable: true,
          force: { repulsion: 120, edgeLength: [30, 90], gravity: 0.08, layoutAnimation: false },
          label: { show: false },
          // The name beside the node, not on it: a label drawn over the node as the pointer arrives
          // would take the button's release from a quick click, and the click would open nothing.
          emphasis: { focus: "adjacency", label: { show: true, position: "right" } },
          data: net.nodes.map(function (n) {
            return { id: n.organisation, name: n.name, value: n.projects,
              symbol: n.bridge ? "diamond" : "circle",
              symbolSize: 8 + 22 * Math.sqrt(n.projects / maxProjects),
              itemStyle: { color: spearheadColour(n.spearheads, themeIris), borderColor: n.bridge ? "#e8a33d" : "#ffffff", borderWidth: n.bridge ? 2 : 1 } };
          }),
          links: net.edges.map(function (e) {
            return { source: e.source, target: e.target, value: e.shared_projects,
              lineStyle: { width: Math.min(1 + e.shared_projects, 6), opacity: 0.35, color: "#5b6770" } };
          }),
        }],
      });
      c.off("click");
      c.on("click", function (p) { if (p.dataType === "node") window.location.href = pageHref(net.nodes[p.dataIndex].organisation); });
    }).catch(function (e) { fail("network-table", e); });
  }
  keyboard("network-chart", function () { return state.drawn.network ? state.drawn.network.nodes : []; },
    function () { return 0; }, function (n) { return state.drawn.network.nodes.indexOf(n); }, function (n) { return pageHref(n.organisation); });
  function fillNetworkFilters() {
    return loadFacetValues().then(function (values) {
      var period = networkForm.querySelector("select[name=period]"), spearhead = networkForm.querySelector("select[name=spearhead]");
      if (period.options.length > 1) return;
      values.forEach(function (r) {
        if (r.facet === "period") period.appendChild(el("option", { value: r.value, text: r.label }));
        if (r.facet === "spearhead") spearhead.appendChild(el("option", { value: r.value, text: r.group + ": " + r.label }));
      });
      period.value = initial.get("period") || "";
      spearhead.value = initial.get("spearhead") || "";
    });
  }

  // --- 4. the map ---------------------------------------------------------------------------------
  var mapForm = document.getElementById("map-controls");
  var geo = null;
  function drawMap() {
    var v = controlValues(mapForm);
    var params = { amount_type: v.amount_type, lang: cfg.lang };
    var money = v.map_measure === "money";
    setURL({ map_measure: v.map_measure, amount_type: money ? v.amount_type : "" });
    queryLinks("map-links", ["projects-by-area"], params);
    geo = geo || getJSON(cfg.map);
    return Promise.all([saved("projects-by-area", params), geo]).then(function (answers) {
      var areas = answers[0], shapes = answers[1];
      var byIri = {};
      areas.forEach(function (a) { byIri[a.area] = a; });
      var inMap = shapes.features.map(function (f) {
        var a = byIri[f.properties.iri] || { projects: 0, total_eur: null, projects_with_amount: 0 };
        return { name: f.properties.name, iri: f.properties.iri, label: cfg.lang === "sv" ? f.properties.name_sv : f.properties.name_fi,
          projects: a.projects, total_eur: a.total_eur || 0, projects_with_amount: a.projects_with_amount,
          value: money ? (a.total_eur || 0) : a.projects };
      });
      var mapped = new Set(inMap.map(function (m) { return m.iri; }));
      var apart = areas.filter(function (a) { return !mapped.has(a.area); });
      state.drawn.map = { measure: v.map_measure, municipalities: inMap, apart: apart };
      document.getElementById("map-attribution").textContent = shapes.attribution[cfg.lang] || M.attribution;
      var areaRow = function (a, label) {
        return [link(a.area || a.iri, label), a.projects, a.projects_with_amount, money_(a.total_eur || 0)];
      };
      var headers = [{ text: M.area }, { text: M.projects, num: true }, { text: M.with_amount, num: true }, { text: M.sum, num: true }];
      put("map-table", table(headers, inMap.map(function (m) { return areaRow(m, m.label); })));
      put("map-apart", el("div", {}, [el("h3", { text: M.region_wide + " · " + M.outside }),
        table(headers, apart.map(function (a) { return areaRow(a, (a.kind === "region" ? M.region_wide + ": " : "") + a.area_label); }))]));
      var c = chart("map-chart");
      if (!c) return;
      charts.registerMap("kanta-hame", shapes);
      var max = Math.max.apply(null, inMap.map(function (m) { return m.value; }).concat([1]));
      c.clear();
      c.setOption({
        aria: { enabled: true },
        animation: false,
        tooltip: {
          confine: true,
          formatter: function (p) {
            var m = inMap[p.dataIndex];
            return m ? tipText([m.label, M.projects + ": " + m.projects, M.sum + ": " + money_(m.total_eur) + " (" + m.projects_with_amount + ")"]) : "";
          },
        },
        visualMap: { min: 0, max: max, left: 10, bottom: 10, calculable: true, inRange: { color: ["#e8f1f4", "#0b5d7a"] },
          formatter: function (x) { return money ? money_(x) : Math.round(x); } },
        series: [{ type: "map", map: "kanta-hame", nameProperty: "name", roam: false,
          label: { show: true, fontSize: 11 },
          data: inMap.map(function (m) { return { name: m.name, value: m.value }; }) }],
      });
      c.off("click");
      c.on("click", function (p) { var m = inMap[p.dataIndex]; if (m) openExplorer({ area: m.iri }); });
    }).catch(function (e) { fail("map-table", e); });
  }
  keyboard("map-chart", function () { return state.drawn.map ? state.drawn.map.municipalities : []; },
    function () { return 0; }, function (m) { return state.drawn.map.municipalities.indexOf(m); },
    function (m) { return "/dashboard" + query({ view: "explorer", area: m.iri }); });

  // --- 5. the project explorer --------------------------------------------------------------------
  var facetForm = document.getElementById("explorer-facets");
  var explorer = { params: {}, sort: "name", page: 1 };
  function explorerParams() {
    var p = Object.assign({}, explorer.params, { lang: cfg.lang });
    return p;
  }
  function openExplorer(params) {
    explorer.params = params; explorer.page = 1;
    show("explorer");
  }
  function drawExplorer() {
    var p = explorerParams();
    var request = Object.assign({}, p, { sort: explorer.sort, page: explorer.page });
    setURL(Object.assign({}, explorer.params, { sort: explorer.sort === "name" ? "" : explorer.sort, page: explorer.page > 1 ? explorer.page : "" }));
    queryLinks("explorer-links", ["project-explorer", "project-facet-counts"], p);
    var links = document.getElementById("explorer-links");
    links.appendChild(el("a", { href: cfg.queries["project-explorer"].csv + query(p), id: "download-csv", text: M.download_csv }));
    links.appendChild(el("a", { href: cfg.queries["project-explorer"].json + query(p), id: "download-json", text: M.download_json }));
    links.appendChild(el("a", { href: window.location.pathname + window.location.search, id: "share", text: M.share }));
    return getJSON("/dashboard/projects.json" + query(request)).then(function (res) {
      state.drawn.explorer = res;
      document.getElementById("explorer-summary").textContent = fmt("selection", { total: res.total, with: res.with_amount, sum: money(res.amount_total_eur) });
      renderFacets(res.facets);
      var sortButton = function (key, text) {
        var current = explorer.sort.replace("-", "") === key;
        var b = el("button", { type: "button", "data-sort": key, text: text + (current ? (explorer.sort[0] === "-" ? " ▼" : " ▲") : "") });
        if (current) b.setAttribute("aria-sort", explorer.sort[0] === "-" ? "descending" : "ascending");
        b.onclick = function () { explorer.sort = current && explorer.sort[0] !== "-" ? "-" + key : key; explorer.page = 1; drawExplorer(); };
        return b;
      };
      put("explorer-table", res.projects.length ? table(
        [{ node: sortButton("code", M.code) }, { node: sortButton("name", M.name) }, { node: sortButton("start", M.start) },
          { node: sortButton("end", M.end) }, { text: M.period }, { text: M.status }, { node: sortButton("amount", M.amount), num: true }],
        res.projects.map(function (r) { return [r.code || "", link(r.project, r.name || r.project), r.start || "", r.end || "", r.period || "", r.status || "", r.amount_eur === null ? "" : money(r.amount_eur)]; })
      ) : el("p", { text: M.no_data }));
      var pager = document.getElementById("explorer-pager");
      pager.textContent = "";
      var prev = el("button", { type: "button", id: "page-previous", text: M.previous });
      var next = el("button", { type: "button", id: "page-next", text: M.next });
      prev.disabled = res.page <= 1; next.disabled = res.page >= res.pages;
      prev.onclick = function () { explorer.page -= 1; drawExplorer(); };
      next.onclick = function () { explorer.page += 1; drawExplorer(); };
      pager.appendChild(prev);
      pager.appendChild(el("span", { text: fmt("page", { page: res.page, pages: res.pages }) }));
      pager.appendChild(next);
    }).catch(function (e) { fail("explorer-table", e); });
  }
  function renderFacets(facets) {
    var list = document.getElementById("facet-list");
    list.textContent = "";
    cfg.facets.forEach(function (name) {
      var select = el("select", { name: name, id: "facet-" + name });
      select.appendChild(el("option", { value: "", text: M.all }));
      var chosen = explorer.params[name];
      var entries = facets[name] || [];
      if (chosen && !entries.some(function (e) { return e.value === chosen; })) entries = [{ value: chosen, label: chosen, projects: 0 }].concat(entries);
      entries.forEach(function (e) {
        var label = (e.group ? e.group + ": " : "") + e.label + " (" + e.projects + ")";
        select.appendChild(el("option", { value: e.value, text: label }));
      });
      select.value = chosen || "";
      select.onchange = function () {
        if (select.value) explorer.params[name] = select.value; else delete explorer.params[name];
        explorer.page = 1;
        drawExplorer();
      };
      list.appendChild(el("label", {}, [M["facet_" + name], select]));
    });
  }
  var searchTimer = null;
  facetForm.elements.text.oninput = function () {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(function () {
      var t = facetForm.elements.text.value.trim();
      if (t) explorer.params.text = t; else delete explorer.params.text;
      explorer.page = 1;
      drawExplorer();
    }, 250);
  };
  facetForm.onsubmit = function (e) { e.preventDefault(); };
  document.getElementById("explorer-clear").onclick = function () {
    explorer.params = {}; explorer.page = 1; facetForm.elements.text.value = ""; drawExplorer();
  };

  // --- views --------------------------------------------------------------------------------------
  var DRAW = { funding: drawFunding, flow: drawFlow, network: drawNetwork, map: drawMap, explorer: drawExplorer };
  function show(view) {
    state.view = view;
    cfg.views.forEach(function (v) {
      document.getElementById("view-" + v).hidden = v !== view;
      var tab = document.getElementById("tab-" + v);
      tab.setAttribute("aria-selected", v === view ? "true" : "false");
      tab.tabIndex = v === view ? 0 : -1;
    });
    var ready = view === "network" ? fillNetworkFilters() : Promise.resolve();
    return ready.then(DRAW[view]).then(function () {
      Object.keys(state.instances).forEach(function (id) { state.instances[id].resize(); });
      document.body.dataset.drawn = view;
    });
  }
  var tabs = document.querySelectorAll(".views button");
  Array.prototype.forEach.call(tabs, function (tab, i) {
    tab.onclick = function () { show(tab.dataset.view); };
    tab.onkeydown = function (e) {  // the tablist pattern: arrows move between tabs
      var step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      var next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      show(next.dataset.view);
    };
  });
  [fundingForm, flowForm, mapForm].forEach(function (form) {
    fillAmountTypes(form, initial.get("amount_type"));
    form.onchange = function () { DRAW[state.view](); };
    form.onsubmit = function (e) { e.preventDefault(); };
  });
  networkForm.onchange = function () { drawNetwork(); };
  ["grouping", "measure"].forEach(function (k) { if (initial.get(k)) fundingForm.elements[k].value = initial.get(k); });
  if (initial.get("map_measure")) mapForm.elements.map_measure.value = initial.get("map_measure");
  cfg.facets.concat(["text"]).forEach(function (k) { if (initial.get(k)) explorer.params[k] = initial.get(k); });
  if (explorer.params.text) facetForm.elements.text.value = explorer.params.text;
  explorer.sort = initial.get("sort") || "name";
  explorer.page = Number(initial.get("page") || 1);
  var first = initial.get("view");
  show(cfg.views.indexOf(first) >= 0 ? first : "funding");
})();
