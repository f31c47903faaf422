"""Scoring: pure functions from validated models to the readiness report; no I/O."""
