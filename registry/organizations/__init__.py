"""DETSİS: the organization tree with immutable 8-digit numbers and full, dated history."""
