"""Moving the registry's data out and back in.

``dump``/``restore``: a full, lossless export of every table (records, their history, the audit
trail, complaints…) as JSON lines with a checksummed manifest, and its restore into an empty
database on either backend. ``open_data``: what may be published of it (CSV and JSON-LD with the EU
CPSV-AP and CPOV vocabularies), without personal data. See docs/export.md.
"""
