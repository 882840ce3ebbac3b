"""One mapper carries a plan item to the calendar (bot/services/task_mapper.py): the fields Item, the Task table
and CalendarTask share are named once, so a field added to one of them and not to the others is caught here."""

from datetime import date, datetime

from bot.domain.calendar.model import CalendarTask
from bot.domain.plans.model import Item
from bot.services.plan_import import DraftItem
from bot.services.task_mapper import SHARED, calendar_task, entry, task_columns
from storage.models import Plan, Task

ITEM = Item(text="Tổ chức hội nghị kiểm điểm", owner="Chi ủy chi bộ", start=date(2025, 12, 1),
            due=date(2025, 12, 15), recurrence="yearly", condition="sau khi có hướng dẫn",
            time_text="Từ 01/12 đến 15/12/2025", line=7, kind="task")
READER_ONLY = {"line", "kind"}  # the line goes into Task.source_line; only tasks (kind "task") are stored
STORAGE_ONLY = {"id", "branch_id", "plan_id", "source_line", "done_at", "done_by", "created_at"}


def test_every_field_of_a_plan_item_reaches_the_calendar_or_is_the_readers_own():
    item_fields = set(Item.__dataclass_fields__)
    assert item_fields - READER_ONLY <= set(SHARED)
    assert all(hasattr(ITEM, name) for name in SHARED)  # is_branch_task: worked out from the owner


def test_every_column_of_a_task_is_shared_or_the_tables_own():
    columns = {c.name for c in Task.__table__.columns}
    assert columns == set(SHARED) | STORAGE_ONLY
    assert tuple(CalendarTask.__dataclass_fields__) == ("id", *SHARED, "done", "plan_number")  # filled by position


def test_a_plan_item_arrives_in_the_calendar_as_read():
    draft = DraftItem.read(ITEM, uncertain=True)
    task = Task(id=3, branch_id=1, **task_columns(draft), plan=Plan(number="146-KH/ĐU"), done_at=None,
                created_at=datetime(2025, 11, 1))
    assert task.source_line == 7
    shown = calendar_task(task)
    assert shown == CalendarTask(id=3, text=ITEM.text, owner="Chi ủy chi bộ", is_branch_task=True,
                                 start=date(2025, 12, 1), due=date(2025, 12, 15), recurrence="yearly",
                                 condition="sau khi có hướng dẫn", time_text="Từ 01/12 đến 15/12/2025",
                                 done=False, plan_number="146-KH/ĐU")
    assert entry(task) == entry(draft) == entry(ITEM)


def test_a_draft_item_keeps_what_was_read_and_what_the_secretary_decided_through_its_json():
    draft = DraftItem.read(ITEM, uncertain=True)
    assert (draft.keep, draft.uncertain, draft.is_branch_task) == (True, True, True)
    assert DraftItem.from_json(draft.to_json()) == draft
    stored_before = draft.to_json() | {"is_branch_task": False}  # drafts stored before held it as a field
    assert DraftItem.from_json(stored_before).is_branch_task is True
