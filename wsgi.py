"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi …``."""

from registry import create_app
from registry.services import legal_graph

app = create_app()
legal_graph.warm(app)
