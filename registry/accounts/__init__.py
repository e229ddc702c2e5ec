"""Accounts (users, roles, tokens), who is calling (``auth``) and what each may do (``policy``)."""
