"""HTTP routes, one module per responsibility; each exposes ``router``. See ``server.app.ROUTE_MODULES``."""
