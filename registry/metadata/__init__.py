"""The metadata layer (issue 26): data elements, integrations, applications, reports."""
