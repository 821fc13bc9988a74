// The SPARQL editor page: YASGUI pointed at this server's endpoint, asking no other host for anything.
//
// - Prefix autocompletion offers only the project's prefixes (from the page's config, the same table as
//   server.namespaces.prefixes); YASQE's "class" and "property" completers are left out because they
//   query lov.linkeddata.es.
// - New tabs start with those prefixes declared; YASR abbreviates IRIs in the result table with them.
// - The saved queries (GET /queries.json) are offered as examples, each opening in a new tab.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("smarthame-editor-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).toString();
  var prefixes = config.prefixes;

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

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
    },
    persistenceId: "smarthame_" + window.location.host,
    yasqe: {
      value: defaultQuery,
      autocompleters: ["smarthamePrefixes", "variables"],
      prefixCcApi: null,
    },
    yasr: { prefixes: prefixes, defaultPlugin: "table", pluginOrder: ["table", "response"] },
  });
  window.smarthameYasgui = yasgui;  // for the browser test and for the curious

  function openQuery(q) {
    yasgui.addTab(true, {
      name: q.title.en,
      yasqe: { value: q.query },
      requestConfig: Object.assign({}, yasgui.config.requestConfig, { endpoint: endpoint }),
    });
  }

  fetch(config.savedQueries, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : { queries: [] }; })
    .then(function (data) {
      var bar = document.getElementById("examples");
      data.queries.forEach(function (q) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = q.title.fi;
        button.title = q.title.en + " — " + q.description.en;
        button.dataset.query = q.name;
        button.addEventListener("click", function () { openQuery(q); });
        bar.appendChild(button);
      });
      bar.dataset.loaded = "true";
    });
})();
