"""Importing a plan: read it, preview what was found, let the secretary correct it, then save it.

The preview is a row (plan_import), not FSM data, so a half-reviewed import survives a restart.
"""

import asyncio
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

from bot.domain.plans.extract import extract_plan
from bot.domain.plans.owners import is_branch_owner
from bot.domain.text import fold
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from storage.models import Plan, PlanImport, Task
from storage.uow import UnitOfWork

MAX_OWNER_LENGTH = 200
# The longest reference plan has 32 dated items; a thousand is a wrong or hostile file, not a plan.
MAX_PLAN_ITEMS = 1000


@dataclass(frozen=True)
class DraftItem:
    text: str
    owner: str | None
    is_branch_task: bool
    start: date | None
    due: date | None
    recurrence: str | None
    condition: str | None
    time_text: str
    line: int
    keep: bool = True

    def to_json(self) -> dict:
        data = asdict(self)
        data["start"] = self.start.isoformat() if self.start else None
        data["due"] = self.due.isoformat() if self.due else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> "DraftItem":
        dates = {k: date.fromisoformat(data[k]) if data[k] else None for k in ("start", "due")}
        return cls(**(data | dates))


@dataclass(frozen=True)
class DraftView:
    id: int
    number: str | None
    issuer: str | None
    issued_on: date | None
    title: str | None
    source_name: str | None
    items: tuple[DraftItem, ...]  # the branch's own tasks first

    @property
    def branch_count(self) -> int:
        return sum(1 for i in self.items if i.is_branch_task)

    @property
    def kept_count(self) -> int:
        return sum(1 for i in self.items if i.keep)


@dataclass(frozen=True)
class SavedPlan:
    plan_id: int
    number: str | None
    saved: int
    branch_saved: int


def content_hash(text: str) -> str:
    """Same plan, same hash: the .docx and the .txt of one plan differ only in white space and case."""
    return hashlib.sha256(fold(text).replace(" ", "").encode()).hexdigest()


def _view(draft: PlanImport) -> DraftView:
    header = json.loads(draft.header)
    return DraftView(
        id=draft.id,
        number=header["number"],
        issuer=header["issuer"],
        issued_on=date.fromisoformat(header["issued_on"]) if header["issued_on"] else None,
        title=header["title"],
        source_name=draft.source_name,
        items=tuple(DraftItem.from_json(i) for i in json.loads(draft.items)),
    )


async def _refuse_reimport(uow: UnitOfWork, branch_id: int, digest: str, number: str | None,
                           issued_on: date | None) -> None:
    existing = await uow.calendar.same_plan(branch_id, digest, number, issued_on)
    if existing is not None:
        raise ServiceError("plan_already_imported", number=existing.number or existing.source_name or "",
                           imported_at=existing.imported_at)


async def read_plan(uow: UnitOfWork, actor: Actor, *, lines: Sequence[str], source_name: str | None,
                    now: datetime) -> DraftView:
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
    items = sorted(plan.items, key=lambda i: (not i.is_branch_task, i.line))
    draft = PlanImport(
        branch_id=home.branch_id, created_by=actor.person_id, created_at=now, source_name=source_name,
        content_hash=digest,
        header=json.dumps({"number": header.number, "issuer": header.issuer, "title": header.title,
                           "issued_on": header.issued_on.isoformat() if header.issued_on else None},
                          ensure_ascii=False),
        items=json.dumps([DraftItem(i.text, i.owner, i.is_branch_task, i.start, i.due, i.recurrence,
                                    i.condition, i.time_text, i.line).to_json() for i in items],
                         ensure_ascii=False),
    )
    uow.calendar.add(draft)
    await uow.commit()
    return _view(draft)


async def _open_draft(uow: UnitOfWork, actor: Actor, draft_id: int) -> PlanImport:
    home = actor.secretary_branch()
    draft = await uow.calendar.draft(draft_id)
    if draft is None or draft.branch_id != home.branch_id:
        raise AccessDenied("foreign_draft", draft_id=draft_id)
    if draft.state != "draft":
        raise ServiceError("draft_closed")
    return draft


async def draft(uow: UnitOfWork, actor: Actor, draft_id: int) -> DraftView:
    return _view(await _open_draft(uow, actor, draft_id))


async def _change_item(uow: UnitOfWork, actor: Actor, draft_id: int, index: int,
                       change: Callable[[DraftItem], DraftItem]) -> DraftView:
    record = await _open_draft(uow, actor, draft_id)
    items = list(_view(record).items)
    if not 0 <= index < len(items):
        raise ServiceError("draft_item_missing")
    items[index] = change(items[index])
    record.items = json.dumps([i.to_json() for i in items], ensure_ascii=False)
    await uow.commit()
    return _view(record)


async def toggle_item(uow: UnitOfWork, actor: Actor, draft_id: int, index: int) -> DraftView:
    return await _change_item(uow, actor, draft_id, index, lambda i: replace(i, keep=not i.keep))


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
                              lambda i: replace(i, owner=owner, is_branch_task=is_branch_owner(owner)))


async def confirm(uow: UnitOfWork, actor: Actor, draft_id: int, now: datetime) -> SavedPlan:
    record = await _open_draft(uow, actor, draft_id)
    view = _view(record)
    await _refuse_reimport(uow, record.branch_id, record.content_hash, view.number, view.issued_on)
    plan = Plan(branch_id=record.branch_id, number=view.number, issuer=view.issuer, issued_on=view.issued_on,
                title=view.title, source_name=view.source_name, content_hash=record.content_hash,
                imported_at=now, imported_by=actor.person_id)
    uow.calendar.add(plan)
    await uow.flush()
    kept = [i for i in view.items if i.keep]
    for item in kept:
        uow.calendar.add(Task(
            branch_id=record.branch_id, plan_id=plan.id, text=item.text, owner=item.owner,
            is_branch_task=item.is_branch_task, start=item.start, due=item.due, recurrence=item.recurrence,
            condition=item.condition, time_text=item.time_text, source_line=item.line, created_at=now,
        ))
    record.state = "saved"
    uow.audit(now, actor.person_id, record.branch_id, "plan.import", plan_id=plan.id, number=view.number,
              tasks=len(kept))
    await uow.commit()
    return SavedPlan(plan.id, view.number, len(kept), sum(1 for i in kept if i.is_branch_task))


async def discard(uow: UnitOfWork, actor: Actor, draft_id: int) -> None:
    record = await _open_draft(uow, actor, draft_id)
    record.state = "discarded"
    await uow.commit()
