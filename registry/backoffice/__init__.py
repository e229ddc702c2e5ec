"""The back office: coordinators, approvers and reviewers at work in a browser (issue 24).

``signin.py`` (passwords, second factor, lockout, sessions in the database), ``desk.py`` (what a
signed-in account sees: its submissions, the requests it may decide, their diffs) and
``pages.py`` (the blueprint under ``/manage``, its cookies and CSRF tokens).
"""
