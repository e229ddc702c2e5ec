"""Reference data every EBYS takes from the registry: the Standard File Plan, places, and the
code tables of categories and unit types. Each is a dated, versioned record kept through the
approval workflow (``registry.reference.dated``)."""
