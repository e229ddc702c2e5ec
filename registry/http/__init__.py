"""The HTTP platform shared by every context: the API and blueprint base classes, representations,
paging, observability, security headers, rate limits, health probes and the gunicorn server."""
