// The SPARQL editor page: YASGUI pointed at this server's endpoint, asking no other host for anything.
//
// - Prefix autocompletion offers only the project's prefixes (from the page's config, the same table as
//   server.namespaces.prefixes); YASQE's "class" and "property" completers are left out because they
//   query lov.linkeddata.es.
// - New tabs start with those prefixes declared; YASR abbreviates IRIs in the result table with them.
// - The saved queries (GET /queries.json) are offered as examples; choosing one opens it in a new tab.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("smarthame-editor-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).toString();
  var prefixes = config.prefixes;
  var lang = config.lang || "en";

  var prefixLines = Object.keys(prefixes)
    .filter(function (p) { return ["rdf", "rdfs", "xsd", "skos", "dct", "org", "schema", "smh", "res"].indexOf(p) >= 0; })
    .map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">"; });
  var defaultQuery = prefixLines.join("\n") +
    "\n\n# Smart Häme -hankkeet · Smart Häme projects\n" +
    "SELECT ?project ?code ?name WHERE {\n" +
    "  ?project a smh:Project ;\n" +
    "           skos:prefLabel ?name .\n" +
    "  OPTIONAL { ?project smh:registerCode ?code }\n" +
    "}\nORDER BY ?name\nLIMIT 50\n";

  Yasgui.Yasqe.forkAutocompleter("prefixes", {
    name: "smarthamePrefixes",
    get: function () {
      return Promise.resolve(Object.keys(prefixes).sort().map(function (p) { return p + ": <" + prefixes[p] + ">"; }));
    },
  }, false);

  // YASGUI merges arrays index by index, so a shorter list in the config would keep the defaults' tail
  // (and with it the completers that call lov.linkeddata.es): set the list itself.
  var completers = ["smarthamePrefixes", "variables"];
  Yasgui.Yasqe.defaults.autocompleters = completers.slice();
  if (Yasgui.defaults.yasqe) Yasgui.defaults.yasqe.autocompleters = completers.slice();

  // YASR's column resizer adds its rules as <style> elements (marked with a `gripid`), which the site's
  // Content-Security-Policy (default-src 'self') blocks and reports; editor.css carries those rules, so
  // such elements are dropped here instead of being refused by the browser.
  var head = document.head, appendToHead = head.appendChild;
  head.appendChild = function (node) {
    if (node && node.tagName === "STYLE" && node.gripid !== undefined) return node;
    return appendToHead.call(head, node);
  };

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
    },
    persistenceId: "smarthame_" + window.location.host,
    yasqe: {
      value: defaultQuery,
      autocompleters: completers.slice(),
      prefixCcApi: null,
    },
    // "chart" (static/editor-chart.js) draws a numeric column as bars, when ECharts is installed.
    yasr: { prefixes: prefixes, defaultPlugin: "table", pluginOrder: ["table", "chart", "response"] },
  });
  window.smarthameYasgui = yasgui;  // for the browser test and for the curious

  function openQuery(q) {
    yasgui.addTab(true, {
      name: q.title[lang] || q.title.en,
      yasqe: { value: q.query },
      requestConfig: Object.assign({}, yasgui.config.requestConfig, { endpoint: endpoint }),
    });
  }

  fetch(config.savedQueries, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : { queries: [] }; })
    .then(function (data) {
      var select = document.getElementById("examples");
      var byName = {};
      data.queries.forEach(function (q) {
        byName[q.name] = q;
        var option = document.createElement("option");
        option.value = q.name;
        option.textContent = q.title[lang] || q.title.en;
        option.title = q.description[lang] || q.description.en;
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        if (byName[select.value]) openQuery(byName[select.value]);
        select.value = "";
      });
      select.dataset.loaded = "true";
    });
})();
