// /docs: Swagger UI over our OpenAPI document, from this server's own copy (make assets). Loaded as a file:
// the page's Content-Security-Policy allows no inline script. The validator badge would ask another host
// (validator.swagger.io), so it is off.
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  window.smarthameSwagger = SwaggerUIBundle({
    url: box.dataset.openapi,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
