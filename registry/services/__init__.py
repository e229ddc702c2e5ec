"""Use cases on a SQLAlchemy ``Session``. Services add and flush; they never commit."""
