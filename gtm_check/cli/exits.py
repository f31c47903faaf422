"""gtm-check's exit codes, for pipelines that gate on them (README: "Exit codes")."""

EXIT_PASSED = 0
EXIT_GATE_FAILED = 1
EXIT_INVALID = 2
"""Bad input or usage: located problems on stderr, nothing written."""
EXIT_INTERNAL = 3
"""A bug in gtm-check."""
