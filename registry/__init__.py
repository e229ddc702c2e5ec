"""KAYSİS-style public-administration registry: one package per context (see docs/architecture.md).

The application is built by ``registry.app.create_app``; ``wsgi.py`` and ``registry serve`` use it.
"""
