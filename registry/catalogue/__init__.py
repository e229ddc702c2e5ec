"""HEYS and DBYS: the service inventory, standard document names, and the data flows between
institutions they imply."""
