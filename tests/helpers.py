"""What the tiers share: the test clock, the people who talk to the bot (named, not magic numbers), and the
steps a test takes through the bot (`tg`: the HTTP sandbox's client or the handler tier's in-process one, which
have the same interface)."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


@dataclass
class Clock:
    """The bot's clock; tests move it to check expiries."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


# -- the people ----------------------------------------------------------------------------------------------
# The branch a test builds through the bot (create_branch: Chi bộ Khu phố 7, its secretary Nguyễn Thị Lan),
# who joins it by link, and who never does.
SECRETARY, MEMBER, SUPERVISOR, STRANGER, OTHER_SECRETARY = 501, 502, 503, 504, 505
# Members of that branch who open their invitation links in the review's tests.
MINH, HA, DUC = 601, 602, 603

# -- steps through the bot ----------------------------------------------------------------------------------

FIVE = """Trần Văn Minh, chính thức, 01/02/2011, phó bí thư
Lê Thị Hà, chính thức, 03/04/2012, chi ủy viên
Phạm Văn Đức, chính thức, 05/06/1996
Hoàng Thị Mai, dự bị, 07/08/2026
Vũ Văn Hùng, chính thức"""
LINK = re.compile(r"https://t\.me/chibo_sandbox_bot\?start=([\w-]+)")


def buttons(message: dict) -> dict[str, str]:
    """A message's inline buttons: text → callback data (or url)."""
    return {b["text"]: b.get("data") or b.get("url") for row in message["buttons"] for b in row}


async def create_branch(tg) -> None:
    await tg.send(SECRETARY, "/start", first_name="Lan")
    assert "tạo chi bộ" in (await tg.last_text(SECRETARY)).lower()
    await tg.click_button(SECRETARY, "Tạo chi bộ mới")
    assert "Tên chi bộ" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "Chi bộ Khu phố 7")
    await tg.click_button(SECRETARY, "Bỏ qua")
    assert "Họ và tên" in await tg.last_text(SECRETARY)
    await tg.send(SECRETARY, "Nguyễn Thị Lan")
    assert "Đã tạo Chi bộ Khu phố 7" in await tg.last_text(SECRETARY)


async def paste(tg, text: str) -> str:
    """The secretary pastes a roster (/nhapds); the bot's answer."""
    await tg.send(SECRETARY, "/nhapds")
    await tg.send(SECRETARY, text)
    return await tg.last_text(SECRETARY)


async def member_link(tg, name: str) -> str:
    """The invitation token of the roster's `name`, as the secretary gets it from the member's card."""
    await tg.send(SECRETARY, "/doanvien")
    await tg.click_button(SECRETARY, name)
    await tg.click_button(SECRETARY, "Link mời")
    return LINK.search(await tg.last_text(SECRETARY)).group(1)


# -- what is stored -----------------------------------------------------------------------------------------

STORED_TABLES = ("plan", "task", "plan_import", "membership", "person", "audit_log")


async def stored(engine) -> dict[str, int]:
    """The rows of the tables a refused file or paste must leave alone, counted."""
    async with engine.connect() as connection:
        return {t: (await connection.execute(text(f'SELECT count(*) FROM "{t}"'))).scalar_one() for t in STORED_TABLES}
