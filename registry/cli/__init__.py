"""The ``registry`` command line, one module per command group; ``main`` is the console script
and ``commands.install`` puts every command on an app (so ``flask --app wsgi …`` works too)."""
