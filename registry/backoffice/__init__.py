"""The back office: coordinators, approvers, reviewers and admins at work in a browser (issue 24).

``shell.py`` (the blueprint under ``/manage``, its cookies and CSRF tokens), ``signin.py``
(passwords, second factor, lockout, sessions in the database), ``pages.py`` (sign-in, the desk,
the inbox), ``proposals.py`` + ``forms.py`` (change requests proposed from forms generated from
the workflow's schemas), ``review.py`` (impact, decisions on several, history) and ``admin.py``
(accounts); ``*_pages.py`` are their routes. docs/back-office.md tells the whole story.
"""
