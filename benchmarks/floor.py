"""The floor gtm-check is measured against: import the same libraries, load the same YAML
with PyYAML's C loader and validate it with the same models, and nothing else.

    python benchmarks/floor.py LAUNCH [CHECKLIST ...]
"""

from __future__ import annotations

import sys

import typer  # noqa: F401  - imported for its cost, as gtm-check imports it
import yaml

from gtm_check.model.inputs import Checklist, Launch


def main() -> None:
    launch_path, *checklists = sys.argv[1:]
    for path in checklists:
        with open(path, encoding="utf-8") as stream:
            Checklist.model_validate(yaml.load(stream, Loader=yaml.CSafeLoader))
    with open(launch_path, encoding="utf-8") as stream:
        Launch.model_validate(yaml.load(stream, Loader=yaml.CSafeLoader))


if __name__ == "__main__":
    main()
