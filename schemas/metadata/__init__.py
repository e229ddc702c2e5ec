"""The metadata layer's HTTP contract (issue 26): change-request data and views."""
