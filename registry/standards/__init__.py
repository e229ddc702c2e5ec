"""HSYS: service standards tables published as versions, citizens' complaints about them, and
the satisfaction survey (KMA)."""
