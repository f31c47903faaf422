"""The command line: options in, the core called, an exit code out (``commands.app``).

Importing the package imports none of its commands: ``commands`` registers every one on the
Typer application, and the entry point's fast path (``fast``) runs the common command lines
without Typer at all.
"""
