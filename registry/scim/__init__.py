"""HR provisioning over SCIM 2.0 (RFC 7643/7644): an institution's HR system opens, moves and
closes its people's accounts and grants their roles (``api.py``, ``provisioning.py``)."""
