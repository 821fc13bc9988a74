"""The web: the ASGI edge, app state, the app factory, routes, pages, metrics and server processes."""
