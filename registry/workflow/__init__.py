"""Four eyes on every change: change requests, batches, their transitions, the handlers that apply
each kind of record, and the review tasks a change opens."""
