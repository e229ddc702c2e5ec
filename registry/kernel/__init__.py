"""The kernel every context builds on: database, errors, configuration, clock, Turkish language
rules, XML, working days and durations. It imports no context."""
