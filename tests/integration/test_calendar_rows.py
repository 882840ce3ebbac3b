"""The calendar's answers read a branch's tasks as plain rows (task_mapper.calendar_tasks): they show each task
exactly as the mapper shows a stored Task (calendar_task) — done or not, with its plan's number or without a plan,
in the same order — and only the branch's own."""

from datetime import UTC, date, datetime

from bot.services.task_mapper import calendar_task, calendar_tasks
from storage.models import Branch, Plan, Task

NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)


async def test_plain_rows_show_every_task_as_the_mapper_does(uow_factory):
    async with uow_factory() as uow:
        for branch_id in (1, 2):
            uow.session.add(Branch(id=branch_id, name=f"Chi bộ {branch_id}", created_at=NOW))
        numbered = Plan(branch_id=1, number="146-KH/ĐU", content_hash="a", imported_at=NOW)
        unnumbered = Plan(branch_id=1, content_hash="b", imported_at=NOW)
        uow.session.add_all([numbered, unnumbered])
        await uow.flush()
        common = {"owner": "Chi ủy", "is_branch_task": True, "time_text": "", "created_at": NOW}
        uow.session.add_all([
            Task(branch_id=1, plan_id=numbered.id, text="Hội nghị kiểm điểm", start=date(2026, 12, 1),
                 due=date(2026, 12, 15), done_at=NOW, source_line=3, **common),
            Task(branch_id=1, plan_id=unnumbered.id, text="Sinh hoạt chi bộ", due=None, recurrence="monthly",
                 condition="sau khi có hướng dẫn", **common),
            Task(branch_id=1, text="Việc thêm bằng tay", due=date(2026, 11, 30), **common),
            Task(branch_id=2, text="Việc của chi bộ khác", due=date(2026, 11, 30), **common),
        ])
        for branch_id in (1, 2):
            uow.reminders.request_replan(branch_id, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        rows = await calendar_tasks(uow, 1)
        assert rows == [calendar_task(t) for t in await uow.calendar.tasks(1)]
        assert [(t.text, t.done, t.plan_number) for t in rows] == [
            ("Hội nghị kiểm điểm", True, "146-KH/ĐU"), ("Sinh hoạt chi bộ", False, None),
            ("Việc thêm bằng tay", False, None)]
        assert all(type(t.done) is bool for t in rows)
