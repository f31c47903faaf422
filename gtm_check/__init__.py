"""gtm-check: go-to-market readiness across the customer journey."""

__version__ = "0.1.0"
