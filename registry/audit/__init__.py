"""The audit trail: a hash-chained record of every applied change, the change feed read from it,
and the projections (graphs, caches, indexes) that follow it. It imports no context."""
