"""Schemas of the standards context: tables, places of application, complaints and the survey."""
