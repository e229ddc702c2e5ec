"""Schemas of the catalogue: services, document names, data flows."""
