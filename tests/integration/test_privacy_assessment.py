"""A person's assessment sheets (QĐ 366, review_assessment) in their export, and on erase: the figures and the
proposal the branch's records count stay; what was written about the person (a correction's reason) goes."""

import json

from sqlalchemy import select

from bot.services import privacy, review_assessment
from bot.services.actor import load_actor
from storage.models import Person
from storage.review_models import ReviewAssessment
from tests.helpers import FULL_SHEET, HA, REMINDER_NOW, SECRETARY, assessment_branch

REASON = "Đồng chí Lê Thị Hà chậm 1 nhiệm vụ báo cáo quý"


async def sheet_of_ha(uow_factory) -> int:
    _, ids = await assessment_branch(uow_factory)
    async with uow_factory() as uow:
        await review_assessment.save_own(uow, await load_actor(uow, HA), FULL_SHEET, None, REMINDER_NOW)
    async with uow_factory() as uow:
        secretary = await load_actor(uow, SECRETARY)
        await review_assessment.correct(uow, secretary, f"member:{ids['Lê Thị Hà']}", "tasks_on_time", 9, REASON,
                                        REMINDER_NOW)
    async with uow_factory() as uow:
        return (await uow.session.scalar(select(Person).where(Person.telegram_user_id == HA))).id


async def test_the_export_holds_the_persons_sheets(uow_factory):
    person_id = await sheet_of_ha(uow_factory)
    async with uow_factory() as uow:
        export = await privacy.export_data(uow, privacy.OPERATOR, REMINDER_NOW, person_id=person_id)
    sheets = json.loads(export.content)["assessment_sheets"]
    assert len(sheets) == 1
    sheet = sheets[0]
    assert sheet["review_year"] == 2026 and sheet["figures"]["common"] == 27 and sheet["figures"]["tasks_on_time"] == 9
    assert sheet["total"] == 92 and sheet["proposed_name"] == "Hoàn thành nhiệm vụ"
    assert sheet["corrections"][0]["reason"] == REASON and sheet["filled_by_this_person"] is True
    assert sheet["checked_at"] is not None and sheet["grave_facts"]["discipline"] is None


async def test_erasing_blanks_the_sheets_words_and_keeps_its_figures(uow_factory):
    person_id = await sheet_of_ha(uow_factory)
    async with uow_factory() as uow:
        done = await privacy.erase(uow, privacy.OPERATOR, REMINDER_NOW, person_id=person_id)
    assert done.sheets_erased == 1
    async with uow_factory() as uow:
        row = await uow.session.scalar(select(ReviewAssessment))
        corrections = json.loads(row.corrections)
        assert (row.common, row.results, row.tasks_on_time, row.proposed) == (27, 65, 9, "htnv")
        assert corrections[0]["reason"] == privacy.erased_text() and (corrections[0]["old"], corrections[0]["new"]) \
            == (10, 9)
        assert "Lê Thị Hà" not in row.corrections + row.reasons
