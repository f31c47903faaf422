"""Authoring: writing launch files for people to edit (``gtm-check init``)."""
