"""The annual review's procedure as data: steps, tasks, who does each, deadlines relative to anchors.

Read from templates/procedures/<key>.toml with `tomllib` and validated on load: a malformed file raises
`ProcedureError` naming the file and the field. `dated_tasks` turns the relative deadlines into dates once
the secretary has set the anchors (the meeting date; the start of the review defaults from it). A task with
`working_days = true` counts its offsets in working days, Monday to Friday (HD 43 §2: "ít nhất 03 ngày làm việc").
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from bot.domain.review.data_files import KEY, DataFileError, load_file, load_keyed
from bot.domain.review.timeline import add_working_days

PROCEDURES_DIR = Path(__file__).resolve().parents[3] / "templates" / "procedures"
DEFAULT_PROCEDURE = "annual_review"



class Who(StrEnum):
    SECRETARY = "secretary"
    MEMBERS = "members"
    COMMITTEE = "committee"
    SUPERVISOR = "supervisor"  # the superior committee member in charge of the branch
    RESIDENCE_COMMITTEE = "residence_committee"  # cấp ủy nơi cư trú


class ProcedureError(DataFileError):
    """A procedure file that cannot be used."""


@dataclass(frozen=True)
class Anchor:
    key: str
    title: str
    default_from: str | None = None
    default_days: int = 0


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    who: Who
    anchor: str  # the due date's anchor
    due_days: int
    start_anchor: str
    start_days: int | None  # None: no start date, only a deadline
    per_member: bool = False  # progress is counted per member ("Bản tự kiểm điểm: 7/11 đã nộp")
    optional: bool = False
    working_days: bool = False  # start and due count working days (Monday to Friday), not calendar days


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    tasks: tuple[Task, ...]
    checklist_keys: tuple[str, ...]  # the tasks whose progress /buoc shows for this step


@dataclass(frozen=True)
class Procedure:
    key: str
    name: str
    source: str
    anchors: tuple[Anchor, ...]
    steps: tuple[Step, ...]
    file: str

    def step(self, key: str) -> Step:
        return next(step for step in self.steps if step.key == key)

    def task(self, key: str) -> Task:
        return next(task for step in self.steps for task in step.tasks if task.key == key)


@dataclass(frozen=True)
class DatedTask:
    key: str
    step: str
    title: str
    who: Who
    start: date | None
    due: date
    per_member: bool
    optional: bool


class MissingAnchor(ValueError):
    def __init__(self, anchor: str):
        super().__init__(f"anchor {anchor!r} is not set")
        self.anchor = anchor


def resolve_anchors(procedure: Procedure, anchors: dict[str, date]) -> dict[str, date]:
    """The anchors given, plus those derived from their defaults; MissingAnchor for one that cannot be had."""
    known = dict(anchors)
    declared = {anchor.key for anchor in procedure.anchors}
    if unknown := set(known) - declared:
        raise ValueError(f"unknown anchors: {', '.join(sorted(unknown))}")
    changed = True
    while changed:  # a default may come from another default
        changed = False
        for anchor in procedure.anchors:
            if anchor.key not in known and anchor.default_from in known:
                known[anchor.key] = known[anchor.default_from] + timedelta(days=anchor.default_days)
                changed = True
    return known


def dated_tasks(procedure: Procedure, anchors: dict[str, date]) -> list[DatedTask]:
    """Every task with its dates, in the procedure's order.

    A start that the anchors put after the due date (a review started late) is moved to the due date.
    """
    known = resolve_anchors(procedure, anchors)

    def at(anchor: str, days: int, working: bool) -> date:
        if anchor not in known:
            raise MissingAnchor(anchor)
        return add_working_days(known[anchor], days) if working else known[anchor] + timedelta(days=days)

    result = []
    for step in procedure.steps:
        for task in step.tasks:
            due = at(task.anchor, task.due_days, task.working_days)
            start = None if task.start_days is None else min(
                at(task.start_anchor, task.start_days, task.working_days), due)
            result.append(DatedTask(task.key, step.key, task.title, task.who, start, due, task.per_member,
                                    task.optional))
    return result


# --- loading ---------------------------------------------------------------------------------------------


@cache
def load_procedure(key: str = DEFAULT_PROCEDURE) -> Procedure:
    return load_keyed(PROCEDURES_DIR, key, "procedure", ProcedureError, parse_procedure)


def load_procedure_file(path: Path) -> Procedure:
    return load_file(path, ProcedureError, parse_procedure)


def parse_procedure(data: dict[str, Any], *, file: str) -> Procedure:
    def fail(field: str, message: str) -> None:
        raise ProcedureError(file, field, message)

    def only(table: dict[str, Any], where: str, allowed: set[str]) -> None:
        for name in table:
            if name not in allowed:
                fail(f"{where}.{name}" if where else name, "unknown field")

    def get(table: dict[str, Any], name: str, where: str, kind: type, required: bool = True) -> Any:
        field = f"{where}.{name}" if where else name
        if name not in table:
            if required:
                fail(field, "missing")
            return None
        value = table[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            fail(field, f"expected {kind.__name__}, got {type(value).__name__} {value!r}")
        if isinstance(value, str) and not value.strip():
            fail(field, "empty")
        return value

    def key_of(table: dict[str, Any], where: str) -> str:
        value = get(table, "key", where, str)
        if not KEY.match(value):
            fail(f"{where}.key" if where else "key", f"{value!r} is not a key (lower case letters, digits, _)")
        return value

    only(data, "", {"key", "name", "source", "anchors", "steps"})
    anchors_table = get(data, "anchors", "", dict)
    anchors = []
    for name, spec in anchors_table.items():
        where = f"anchors.{name}"
        if not KEY.match(name):
            fail(where, "is not a key")
        if not isinstance(spec, dict):
            fail(where, "expected a table")
        only(spec, where, {"title", "default_from", "default_days"})
        default_from = get(spec, "default_from", where, str, required=False)
        if default_from is not None and default_from not in anchors_table:
            fail(f"{where}.default_from", f"{default_from!r} is not an anchor")
        if default_from == name:
            fail(f"{where}.default_from", "an anchor cannot default from itself")
        days = get(spec, "default_days", where, int, required=default_from is not None)
        anchors.append(Anchor(name, get(spec, "title", where, str), default_from, days or 0))
    anchor_keys = {anchor.key for anchor in anchors}

    steps_data = get(data, "steps", "", list)
    if not steps_data:
        fail("steps", "empty")
    steps, seen = [], set()
    for index, step_data in enumerate(steps_data):
        where = f"steps[{index}]"
        if not isinstance(step_data, dict):
            fail(where, "expected a table")
        only(step_data, where, {"key", "title", "checklist", "tasks"})
        tasks = []
        for number, task_data in enumerate(get(step_data, "tasks", where, list)):
            at = f"{where}.tasks[{number}]"
            if not isinstance(task_data, dict):
                fail(at, "expected a table")
            only(task_data, at, {"key", "title", "who", "anchor", "start_anchor", "start", "due", "per_member",
                                 "optional", "working_days"})
            task_key = key_of(task_data, at)
            if task_key in seen:
                fail(f"{at}.key", f"{task_key!r} is used twice")
            seen.add(task_key)
            who = get(task_data, "who", at, str)
            if who not in tuple(Who):
                fail(f"{at}.who", f"{who!r} is not one of {', '.join(Who)}")
            anchor = get(task_data, "anchor", at, str)
            start_anchor = get(task_data, "start_anchor", at, str, required=False) or anchor
            for name, value in (("anchor", anchor), ("start_anchor", start_anchor)):
                if value not in anchor_keys:
                    fail(f"{at}.{name}", f"{value!r} is not an anchor ({', '.join(sorted(anchor_keys))})")
            start = get(task_data, "start", at, int, required=False)
            due = get(task_data, "due", at, int)
            if start is not None and start_anchor == anchor and start > due:
                fail(f"{at}.start", f"starts after it is due ({start} > {due})")
            tasks.append(Task(
                key=task_key, title=get(task_data, "title", at, str).strip(), who=Who(who), anchor=anchor,
                due_days=due, start_anchor=start_anchor, start_days=start,
                per_member=bool(get(task_data, "per_member", at, bool, required=False)),
                optional=bool(get(task_data, "optional", at, bool, required=False)),
                working_days=bool(get(task_data, "working_days", at, bool, required=False)),
            ))
        if not tasks:
            fail(f"{where}.tasks", "empty")
        checklist = get(step_data, "checklist", where, list)
        task_keys = {task.key for task in tasks}
        for item in checklist:
            if item not in task_keys:
                fail(f"{where}.checklist", f"{item!r} is not a task of this step")
        steps.append(Step(key_of(step_data, where), get(step_data, "title", where, str).strip(), tuple(tasks),
                          tuple(checklist)))
    if len({step.key for step in steps}) != len(steps):
        fail("steps", "a step key is used twice")
    return Procedure(key_of(data, ""), get(data, "name", "", str).strip(), get(data, "source", "", str).strip(),
                     tuple(anchors), tuple(steps), file)
