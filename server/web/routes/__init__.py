"""HTTP routes, one module per responsibility; each exposes ``router`` (or ``make_router(settings)``),
included in order by ``server.web.app.create_app``."""
