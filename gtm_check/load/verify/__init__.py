"""Running items' checks for ``audit --verify``: one checker module per kind, run together."""
