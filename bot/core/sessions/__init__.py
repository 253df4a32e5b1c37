"""Guided stretch sessions: the timed plan, the session state machine, progress, the chart."""
