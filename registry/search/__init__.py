"""Turkish-aware full-text search: a whoosh index derived from the database (docs/search.md)."""
