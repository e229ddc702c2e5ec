"""EBYS lookups: what an institution's document system needs to write one official letter."""
