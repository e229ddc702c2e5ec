"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi …``."""

from registry.app import create_app
from registry.http.observability import configure_logging
from registry.http.warm import warm

app = create_app()
configure_logging(app.config["LOG_FORMAT"])
warm(app)
