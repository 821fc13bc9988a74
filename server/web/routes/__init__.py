"""HTTP routes, one module per responsibility; each exposes ``router``. See
``server.web.app.ROUTE_MODULES``."""
