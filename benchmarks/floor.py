"""The floors gtm-check is measured against: the least a program on its stack must do.

    python benchmarks/floor.py [--lean | --naive | --limit] LAUNCH [CHECKLIST ...]

--lean (the default, "the floor"): the garbage collector paused while it imports and loads,
PyYAML's C loader, the same Pydantic models (gtm_check.model.inputs), one line printed,
the collector's shutdown scan skipped. No Typer, no positions, no report.

--naive (the floor of earlier figures): the same loads with the collector left on, Typer
imported for its cost, nothing printed.

--limit (for reference, never a dependency): rapidyaml parses each file and emits JSON,
msgspec decodes and validates it into structs of the same shape. Needs `pip install
rapidyaml msgspec`; says so and exits 3 when they are not installed.
"""

# No `from __future__ import annotations`: msgspec reads the local structs' annotations.
import gc
import sys


def lean(launch_path: str, checklists: list[str]) -> None:
    gc.disable()
    import yaml

    from gtm_check.model.inputs import Checklist, Launch

    gc.freeze()
    items = 0
    for path in checklists:
        with open(path, encoding="utf-8") as stream:
            items += len(Checklist.model_validate(yaml.load(stream, Loader=yaml.CSafeLoader)).items)
    with open(launch_path, encoding="utf-8") as stream:
        launch = Launch.model_validate(yaml.load(stream, Loader=yaml.CSafeLoader))
    print(f"{launch.launch}: {items} items, valid")
    gc.freeze()  # nothing left for the collection at interpreter shutdown to scan


def naive(launch_path: str, checklists: list[str]) -> None:
    import typer  # noqa: F401  - imported for its cost, as gtm-check imports it
    import yaml

    from gtm_check.model.inputs import Checklist, Launch

    for path in checklists:
        with open(path, encoding="utf-8") as stream:
            Checklist.model_validate(yaml.load(stream, Loader=yaml.CSafeLoader))
    with open(launch_path, encoding="utf-8") as stream:
        Launch.model_validate(yaml.load(stream, Loader=yaml.CSafeLoader))


def limit(launch_path: str, checklists: list[str]) -> None:
    gc.disable()
    try:
        import msgspec
        import ryml
    except ImportError:
        print("the limit needs rapidyaml and msgspec: pip install rapidyaml msgspec")
        raise SystemExit(3) from None
    from typing import Literal

    Stage = Literal["learn", "buy", "use", "grow"]
    Severity = Literal["blocker", "high", "medium", "low"]
    Status = Literal["todo", "in-progress", "blocked", "done", "n/a"]

    class Item(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
        id: str
        stage: Stage
        title: str
        severity: Severity
        question: str | None = None
        guidance: str | None = None
        applies_if: list[str] = []

    class Checklist(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
        department: str
        name: str
        items: list[Item]

    class State(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
        status: Status = "todo"
        owner: str | None = None
        due: str | None = None
        evidence: str | None = None

    class Waiver(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
        item: str
        reason: str
        approved_by: str
        expires: str

    class Gate(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
        stages: list[Stage]
        min_score: int

    class Launch(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
        launch: str
        launch_date: str
        owner: str
        traits: list[str]
        checklists: list[str]
        gate: Gate
        items: dict[str, State | Status]
        waivers: list[Waiver] = []

    def load(path: str, kind: type) -> object:
        with open(path, "rb") as stream:
            tree = ryml.parse_in_arena(stream.read())
        return msgspec.json.decode(ryml.emit_json_malloc(tree, tree.root_id()), type=kind)

    items = sum(len(load(path, Checklist).items) for path in checklists)  # type: ignore[attr-defined]
    launch = load(launch_path, Launch)
    print(f"{launch.launch}: {items} items, valid")  # type: ignore[attr-defined]
    gc.freeze()


MODES = {"--lean": lean, "--naive": naive, "--limit": limit}


def main() -> None:
    args = sys.argv[1:]
    mode = MODES[args.pop(0)] if args and args[0] in MODES else lean
    launch_path, *checklists = args
    mode(launch_path, checklists)


if __name__ == "__main__":
    main()
