"""Schemas of the EBYS context: the lookups (``lookups``), signatories and lists (``records``)."""
