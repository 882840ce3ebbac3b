"""An update delivered twice is handled once: a stored step, a question, a dialog step (the same update id again,
as Telegram redelivers it)."""

from sqlalchemy import func, select

from storage.models import AuditEntry, Membership, Task
from tests.helpers import SECRETARY, create_branch


async def count(engine, model) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(model))


async def test_a_redelivered_update_changes_nothing_and_answers_nothing(tg, engine):
    await create_branch(tg)
    await tg.send(SECRETARY, "/themviec")
    await tg.send(SECRETARY, "Nộp báo cáo kiểm điểm chi bộ")
    saving = await tg.send(SECRETARY, "20/12/2026")
    assert "Đã thêm" in await tg.last_text(SECRETARY)
    tasks, audits, seen = await count(engine, Task), await count(engine, AuditEntry), len(await tg.chat(SECRETARY))

    calls = len(tg.requests)
    await tg.redeliver(saving)  # the step that stored the task
    assert tg.requests[calls:] == []  # not one Bot API call the second time
    question = await tg.send(SECRETARY, "/buoc")
    calls = len(tg.requests)
    await tg.redeliver(question)  # a question: answered once, not twice
    assert tg.requests[calls:] == []

    assert (await count(engine, Task), await count(engine, AuditEntry)) == (tasks, audits)
    chat = await tg.chat(SECRETARY)
    assert len(chat) == seen + 2  # the /buoc message and its one answer
    assert chat[-1]["from"] == "bot" and chat[-2]["text"] == "/buoc"


async def test_a_redelivered_dialog_step_is_not_taken_twice(tg, engine):
    await create_branch(tg)
    members = await count(engine, Membership)
    await tg.send(SECRETARY, "/themdv")
    name = await tg.send(SECRETARY, "Đinh Văn Long")
    await tg.redeliver(name)  # must not be read as the answer to the next question
    await tg.click_button(SECRETARY, "Chính thức")
    await tg.send(SECRETARY, "15/01/2010")
    await tg.click_button(SECRETARY, "Đảng viên")
    assert "Đinh Văn Long — Đảng viên, chính thức, 15/01/2010" in await tg.last_text(SECRETARY)
    assert await count(engine, Membership) == members + 1
