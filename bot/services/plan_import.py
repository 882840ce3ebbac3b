"""Importing a plan: read it, preview what was found, let the secretary correct it, then save it.

The preview is a row (plan_import), not FSM data, so a half-reviewed import survives a restart; so are the
pieces of a plan still arriving (plan_part: a paste the messenger split, photos of its pages). A revised
plan (see bot/domain/plans/revision.py) is previewed as what changes, and saving it changes the plan's
tasks in place: a task that stays keeps its done mark, and the reminders are planned again.
"""

import asyncio
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from bot.domain.plans.extract import extract_plan
from bot.domain.plans.model import Item
from bot.domain.plans.revision import Diff, Entry, Imported, compare, revised_plan
from bot.domain.text import fold
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.services.task_mapper import entry, task_columns
from storage.models import Plan, PlanImport, PlanPart, Task
from storage.uow import UnitOfWork

MAX_OWNER_LENGTH = 200
# The longest reference plan has 32 dated items; a thousand is a wrong or hostile file, not a plan.
MAX_PLAN_ITEMS = 1000
FAR_YEARS = 2  # a plan this many years from the calendar's present gets a word before it is saved
MAX_PARTS = 60  # pieces of one plan: a 60-page album, or a quarter of a megabyte pasted


@dataclass(frozen=True, slots=True)
class DraftItem(Item):
    """A plan item in the preview, with what the secretary decides of it (kept as JSON in plan_import.items).
    A target (kind "target", chỉ tiêu) is shown apart and not saved, unless the secretary makes it a task."""

    keep: bool = True
    uncertain: bool = False  # read by OCR with low confidence: the secretary should check it

    @classmethod
    def read(cls, item: Item, *, uncertain: bool) -> "DraftItem":
        return cls(**{f.name: getattr(item, f.name) for f in fields(Item)}, uncertain=uncertain)

    @property
    def is_target(self) -> bool:
        return self.kind == "target"

    @property
    def saved(self) -> bool:
        """Goes into the calendar on saving: a task the secretary kept (a target is only shown)."""
        return self.keep and not self.is_target


def _ordered(items: Sequence[DraftItem]) -> list[DraftItem]:
    """The preview's order: the branch's tasks, the other units' tasks, then the targets; each by line."""
    return sorted(items, key=lambda i: (i.is_target, not i.is_branch_task, i.line))


@dataclass(frozen=True)
class Revision:
    """What saving a revised plan changes in the plan already imported."""

    plan_id: int
    number: str | None
    issued_on: date | None
    old: tuple[Entry, ...]  # its tasks now
    diff: Diff  # against the kept items of the draft (indexes into `kept`)
    kept: tuple[int, ...]  # the draft's kept items, by index


@dataclass(frozen=True)
class DraftView:
    id: int
    number: str | None
    issuer: str | None
    issued_on: date | None
    title: str | None
    source_name: str | None
    items: tuple[DraftItem, ...]  # the branch's own tasks first, the targets last
    revision: Revision | None = None
    read_on: date | None = None  # the day the plan was read: the calendar's present

    @property
    def plan_year(self) -> int | None:
        """The plan's year: its issue date's, else the year most of its dated tasks fall in."""
        if self.issued_on:
            return self.issued_on.year
        years = Counter(d.year for i in self.items for d in (i.due or i.start,) if d)
        return years.most_common(1)[0][0] if years else None

    @property
    def years_away(self) -> int:
        """How many years the plan lies from the calendar's present, when that is far enough to be a likely
        mistake (a 2014 plan read into a 2026 calendar): said before saving, never refused; else 0."""
        if self.plan_year is None or self.read_on is None:
            return 0
        gap = abs(self.plan_year - self.read_on.year)
        return gap if gap >= FAR_YEARS else 0

    @property
    def uncertain_count(self) -> int:
        return sum(1 for i in self.items if i.uncertain)

    @property
    def task_count(self) -> int:
        return sum(1 for i in self.items if not i.is_target)

    @property
    def target_count(self) -> int:
        return sum(1 for i in self.items if i.is_target)

    @property
    def branch_count(self) -> int:
        return sum(1 for i in self.items if i.is_branch_task and not i.is_target)

    @property
    def kept_count(self) -> int:
        return sum(1 for i in self.items if i.saved)


@dataclass(frozen=True)
class SavedPlan:
    plan_id: int
    number: str | None
    saved: int
    branch_saved: int
    revised: Diff | None = None


def content_hash(text: str) -> str:
    """Same plan, same hash: the .docx and the .txt of one plan differ only in white space and case."""
    return hashlib.sha256(fold(text).replace(" ", "").encode()).hexdigest()


def _view(draft: PlanImport, revision: Revision | None = None) -> DraftView:
    header = json.loads(draft.header)
    return DraftView(
        id=draft.id,
        number=header["number"],
        issuer=header["issuer"],
        issued_on=date.fromisoformat(header["issued_on"]) if header["issued_on"] else None,
        title=header["title"],
        source_name=draft.source_name,
        items=tuple(DraftItem.from_json(i) for i in json.loads(draft.items)),
        revision=revision,
        read_on=draft.created_at.date() if draft.created_at else None,
    )


async def _present(uow: UnitOfWork, draft: PlanImport) -> DraftView:
    """The draft as the secretary sees it; for a revision, with what saving it would change."""
    view = _view(draft)
    plan = await uow.calendar.plan(draft.revises_plan_id) if draft.revises_plan_id else None
    if plan is None:
        return view
    old = tuple(entry(t) for t in await uow.calendar.plan_tasks(plan.id))
    kept = tuple(n for n, i in enumerate(view.items) if i.saved)
    diff = compare(old, [entry(view.items[n]) for n in kept])
    return replace(view, revision=Revision(plan.id, plan.number, plan.issued_on, old, diff, kept))


async def _refuse_reimport(uow: UnitOfWork, branch_id: int, digest: str, number: str | None,
                           issued_on: date | None) -> None:
    existing = await uow.calendar.same_plan(branch_id, digest, number, issued_on)
    if existing is not None:
        raise ServiceError("plan_already_imported", number=existing.number or existing.source_name or "",
                           imported_at=existing.imported_at)


async def read_plan(uow: UnitOfWork, actor: Actor, *, lines: Sequence[str], source_name: str | None,
                    now: datetime, uncertain: frozenset[int] = frozenset()) -> DraftView:
    """`uncertain`: the 1-based numbers of the lines OCR read with low confidence."""
    home = actor.secretary_branch()
    # Seconds of CPU for a hostile megabyte: off the event loop, so other chats are answered meanwhile.
    plan = await asyncio.to_thread(extract_plan, lines)
    if not plan.items:
        raise ServiceError("plan_no_dates")
    if len(plan.items) > MAX_PLAN_ITEMS:
        raise ServiceError("plan_too_many_items", count=len(plan.items), limit=MAX_PLAN_ITEMS)
    digest = content_hash("\n".join(lines))
    header = plan.header
    await _refuse_reimport(uow, home.branch_id, digest, header.number, header.issued_on)
    imported = [Imported(p.id, p.number, p.issued_on) for p in await uow.calendar.plans_numbered(home.branch_id)]
    draft = PlanImport(
        branch_id=home.branch_id, created_by=actor.person_id, created_at=now, source_name=source_name,
        content_hash=digest, revises_plan_id=revised_plan(header.number, header.issued_on, header.title, imported),
        header=json.dumps({"number": header.number, "issuer": header.issuer, "title": header.title,
                           "issued_on": header.issued_on.isoformat() if header.issued_on else None},
                          ensure_ascii=False),
        items=json.dumps([i.to_json() for i in _ordered([DraftItem.read(i, uncertain=i.line in uncertain)
                                                         for i in plan.items])], ensure_ascii=False),
    )
    uow.calendar.add(draft)
    await uow.commit()
    return await _present(uow, draft)


async def _open_draft(uow: UnitOfWork, actor: Actor, draft_id: int) -> PlanImport:
    home = actor.secretary_branch()
    draft = await uow.calendar.draft(draft_id)
    if draft is None or draft.branch_id != home.branch_id:
        raise AccessDenied("foreign_draft", draft_id=draft_id)
    if draft.state != "draft":
        raise ServiceError("draft_closed")
    return draft


async def draft(uow: UnitOfWork, actor: Actor, draft_id: int) -> DraftView:
    return await _present(uow, await _open_draft(uow, actor, draft_id))


async def _change_item(uow: UnitOfWork, actor: Actor, draft_id: int, index: int,
                       change: Callable[[DraftItem], DraftItem]) -> DraftView:
    record = await _open_draft(uow, actor, draft_id)
    items = list(_view(record).items)
    if not 0 <= index < len(items):
        raise ServiceError("draft_item_missing")
    items[index] = change(items[index])
    record.items = json.dumps([i.to_json() for i in items], ensure_ascii=False)
    await uow.commit()
    return await _present(uow, record)


async def toggle_item(uow: UnitOfWork, actor: Actor, draft_id: int, index: int) -> DraftView:
    return await _change_item(uow, actor, draft_id, index, lambda i: replace(i, keep=not i.keep))


async def make_task(uow: UnitOfWork, actor: Actor, draft_id: int, index: int) -> tuple[DraftView, int]:
    """A target the secretary wants done as a task: it moves among the tasks (and is saved with them).
    Returns the draft and the item's new index."""
    record = await _open_draft(uow, actor, draft_id)
    items = list(_view(record).items)
    if not 0 <= index < len(items) or not items[index].is_target:
        raise ServiceError("draft_item_missing")
    task = replace(items[index], kind="task", keep=True)
    items = _ordered([*items[:index], task, *items[index + 1 :]])
    record.items = json.dumps([i.to_json() for i in items], ensure_ascii=False)
    await uow.commit()
    return await _present(uow, record), items.index(task)


async def correct_dates(uow: UnitOfWork, actor: Actor, draft_id: int, index: int,
                        start: date | None, due: date) -> DraftView:
    """A corrected date replaces what was read: the task becomes a plain window or deadline."""
    return await _change_item(uow, actor, draft_id, index,
                              lambda i: replace(i, start=start, due=due, recurrence=None, condition=None))


async def correct_owner(uow: UnitOfWork, actor: Actor, draft_id: int, index: int, owner: str) -> DraftView:
    owner = " ".join(owner.split())
    if not owner or len(owner) > MAX_OWNER_LENGTH:
        raise ServiceError("bad_owner", limit=MAX_OWNER_LENGTH)
    return await _change_item(uow, actor, draft_id, index,
                              lambda i: replace(i, owner=owner))


async def _apply_revision(uow: UnitOfWork, actor: Actor, record: PlanImport, view: DraftView,
                          now: datetime) -> SavedPlan:
    """The revision's changes on the plan already imported: its tasks matched, moved, added and removed."""
    revision = view.revision
    plan = await uow.calendar.plan(revision.plan_id)
    tasks = await uow.calendar.plan_tasks(plan.id)
    kept = [view.items[n] for n in revision.kept]
    for old, new in revision.diff.pairs:  # the same task: its done mark stays
        for name, value in task_columns(kept[new]).items():
            setattr(tasks[old], name, value)
    for old in revision.diff.removed:
        await uow.calendar.delete_task(tasks[old])
    for new in revision.diff.added:
        uow.calendar.add(Task(branch_id=record.branch_id, plan_id=plan.id, created_at=now, **task_columns(kept[new])))
    plan.number, plan.issuer, plan.issued_on, plan.title = view.number, view.issuer, view.issued_on, view.title
    plan.source_name, plan.content_hash = view.source_name, record.content_hash
    record.state = "saved"
    diff = revision.diff
    uow.audit(now, actor.person_id, record.branch_id, "plan.revise", plan_id=plan.id, number=view.number,
              added=len(diff.added), removed=len(diff.removed), moved=len(diff.moved))
    uow.reminders.request_replan(record.branch_id, now)
    await uow.commit()
    return SavedPlan(plan.id, view.number, len(kept), sum(1 for i in kept if i.is_branch_task), revised=diff)


async def confirm(uow: UnitOfWork, actor: Actor, draft_id: int, now: datetime) -> SavedPlan:
    record = await _open_draft(uow, actor, draft_id)
    view = await _present(uow, record)
    await _refuse_reimport(uow, record.branch_id, record.content_hash, view.number, view.issued_on)
    if view.revision is not None:
        return await _apply_revision(uow, actor, record, view, now)
    plan = Plan(branch_id=record.branch_id, number=view.number, issuer=view.issuer, issued_on=view.issued_on,
                title=view.title, source_name=view.source_name, content_hash=record.content_hash,
                imported_at=now, imported_by=actor.person_id)
    uow.calendar.add(plan)
    await uow.flush()
    kept = [i for i in view.items if i.saved]
    for item in kept:
        uow.calendar.add(Task(branch_id=record.branch_id, plan_id=plan.id, created_at=now, **task_columns(item)))
    record.state = "saved"
    uow.audit(now, actor.person_id, record.branch_id, "plan.import", plan_id=plan.id, number=view.number,
              tasks=len(kept))
    uow.reminders.request_replan(record.branch_id, now)
    await uow.commit()
    return SavedPlan(plan.id, view.number, len(kept), sum(1 for i in kept if i.is_branch_task))


async def discard(uow: UnitOfWork, actor: Actor, draft_id: int) -> None:
    record = await _open_draft(uow, actor, draft_id)
    record.state = "discarded"
    await uow.commit()


async def add_part(uow: UnitOfWork, actor: Actor, *, message_id: int, now: datetime, text: str | None = None,
                   file_id: str | None = None, first: bool = False) -> int:
    """Keeps one piece of a plan still arriving; `first` drops what an earlier, abandoned one left.
    Returns how many pieces there are now."""
    home = actor.secretary_branch()
    if first:
        await uow.calendar.drop_parts(actor.person_id)
    count = len(await uow.calendar.parts(actor.person_id))
    if count >= MAX_PARTS:
        raise ServiceError("plan_too_many_parts", limit=MAX_PARTS)
    # A NUL can arrive in a message but no text column of PostgreSQL can hold it; it carries nothing readable.
    kept = text.replace("\x00", "") if text is not None else None
    uow.calendar.add_part(PlanPart(branch_id=home.branch_id, person_id=actor.person_id, message_id=message_id,
                                   text=kept, file_id=file_id, received_at=now))
    await uow.commit()
    return count + 1


async def parts(uow: UnitOfWork, actor: Actor) -> list[str | tuple[str]]:
    """The pieces in the order sent: a pasted piece as its text, a photo as (file id,). They stay until
    `drop_parts` (once read, or abandoned), so a piece that cannot be read yet loses nothing."""
    actor.secretary_branch()
    return [p.text if p.file_id is None else (p.file_id,) for p in await uow.calendar.parts(actor.person_id)]


async def drop_parts(uow: UnitOfWork, actor: Actor) -> None:
    await uow.calendar.drop_parts(actor.person_id)
    await uow.commit()
