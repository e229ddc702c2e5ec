"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi …``."""

from registry import create_app
from registry.observability import configure_logging
from registry.warm import warm

app = create_app()
configure_logging(app.config["LOG_FORMAT"])
warm(app)
