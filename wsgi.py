"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi …``."""

from registry import create_app
from registry.warm import warm

app = create_app()
warm(app)
