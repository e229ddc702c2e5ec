"""marshmallow schemas: the external API contract in code (no database or Flask imports here)."""
