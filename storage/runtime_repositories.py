"""Queries on the bot's own state: handled updates and dialog states."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, bindparam, delete, exists, func, insert, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import commit_with_next
from storage.repositories import acting_columns, acting_order, acting_rows
from storage.runtime_models import LEGACY_BOT_ID, DialogState, HandledUpdate

# Every update runs the opening read (or the first two of these) and the mark: built once on the tables (Core,
# so the ORM's statement machinery stays out of it), their values bound at each run (building a statement and
# its cache key cost more than running it: bench_load --profile).
_handled, _dialogs = HandledUpdate.__table__.c, DialogState.__table__.c
_WAS_HANDLED = (select(_handled.update_id)
                .where(_handled.bot_id.in_((bindparam("bot_id"), LEGACY_BOT_ID)),
                       _handled.update_id == bindparam("update_id"))
                .limit(1))
_MARK = insert(HandledUpdate.__table__)
_DIALOG = select(_dialogs.state, _dialogs.data).where(_dialogs.key == bindparam("key"))


def _opening(chat_column: str) -> Select:
    """What every update reads first, in one statement: whether it was handled, the dialog state at `key`, and
    the rows of PersonRepo.acting for the chat (at least one row: with no person, their columns are NULL)."""
    handled = exists().where(_handled.bot_id.in_((bindparam("bot_id"), LEGACY_BOT_ID)),
                             _handled.update_id == bindparam("update_id"))
    rows = acting_rows(chat_column)
    return (select(handled.label("handled"), _dialogs.state, _dialogs.data, *acting_columns(rows))
            .select_from(select(literal(1).label("one")).subquery())
            .outerjoin(rows, true())
            .outerjoin(DialogState.__table__, _dialogs.key == bindparam("key"))
            .order_by(*acting_order(rows)))


_OPENING = {False: _opening("telegram_user_id"), True: _opening("zalo_chat_id")}


@dataclass(frozen=True)
class Opening:
    handled: bool
    acting: list[Row]  # PersonRepo.acting's rows
    dialog: tuple[str | None, dict[str, Any]]  # as RuntimeRepo.dialog; (None, {}) when no key was asked


class RuntimeRepo:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def was_handled(self, bot_id: int, update_id: int) -> bool:
        return await self.session.scalar(_WAS_HANDLED, {"bot_id": bot_id, "update_id": update_id}) is not None

    async def opening(self, bot_id: int, update_id: int, chat_id: int, *, zalo: bool,
                      dialog_key: str | None) -> Opening:
        """was_handled, PersonRepo.acting and dialog at once: one round trip for the three reads of every update."""
        found = (await self.session.execute(_OPENING[zalo], {
            "bot_id": bot_id, "update_id": update_id, "chat_id": chat_id, "key": dialog_key})).all()
        first = found[0]
        return Opening(handled=bool(first.handled),
                       acting=[row for row in found if row.person_id is not None],
                       dialog=(first.state, json.loads(first.data)) if first.data is not None else (None, {}))

    async def mark_handled(self, bot_id: int, update_id: int, at: datetime, *, commits: bool = False) -> None:
        """`commits`: the mark is the transaction's last write, committed with it where the driver can
        (storage.db.commit_with_next); the caller's commit follows in any case."""
        if commits:
            await commit_with_next(self.session)
        # A plain INSERT, not an ORM object: the unit of work's flush of one new row costs more than the row.
        await self.session.execute(_MARK, {"bot_id": bot_id, "update_id": update_id, "handled_at": at})

    async def last_handled(self, bot_id: int) -> int:
        """The highest update id marked handled for this bot (0 when none is remembered)."""
        query = select(func.max(HandledUpdate.update_id)).where(HandledUpdate.bot_id.in_((bot_id, LEGACY_BOT_ID)))
        return await self.session.scalar(query) or 0

    async def forget_handled_before(self, cutoff: datetime) -> int:
        result = await self.session.execute(delete(HandledUpdate).where(HandledUpdate.handled_at < cutoff))
        return result.rowcount

    async def dialog(self, key: str) -> tuple[str | None, dict[str, Any]]:
        row = (await self.session.execute(_DIALOG, {"key": key})).first()  # plain columns: no ORM object to track
        return (row.state, json.loads(row.data)) if row is not None else (None, {})

    async def save_dialog(self, key: str, state: str | None, data: dict[str, Any]) -> None:
        row = await self.session.get(DialogState, key)
        if state is None and not data:  # a finished dialog leaves no row behind
            if row is not None:
                await self.session.delete(row)
            return
        encoded = json.dumps(data, ensure_ascii=False)
        if row is None:
            self.session.add(DialogState(key=key, state=state, data=encoded))
        else:
            row.state, row.data = state, encoded
