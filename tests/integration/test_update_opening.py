"""What every update reads first (RuntimeRepo.opening, one statement): whether it was handled, who sent it, and
their dialog state, each as the separate reads give it."""

from aiogram.utils.token import extract_bot_id

from bot.app import SANDBOX_TOKEN
from bot.domain.roster import Role
from bot.services.actor import actor_of, load_actor
from bot.services.demo_supervision import link
from tests.helpers import DONE, NOW, OTHER, SUPERVISOR, three_branches

BOT_ID = extract_bot_id(SANDBOX_TOKEN)
NOBODY = 123_456


async def test_the_opening_read_says_what_the_three_reads_say(uow_factory):
    ids = await three_branches(uow_factory)
    async with uow_factory() as uow:
        await link(uow, OTHER.secretary[0], [ids[DONE.name]], NOW)  # a secretary who supervises another branch
        await uow.runtime.mark_handled(BOT_ID, 5, NOW)
        await uow.runtime.save_dialog("dialog:1", "ask_date", {"n": 1})
        await uow.commit()
    async with uow_factory() as uow:
        for chat in (SUPERVISOR, DONE.secretary[0], OTHER.secretary[0], NOBODY):
            for update_id, key in ((5, "dialog:1"), (6, "dialog:2"), (6, None)):
                opening = await uow.runtime.opening(BOT_ID, update_id, chat, zalo=False, dialog_key=key)
                assert opening.handled is (update_id == 5) is await uow.runtime.was_handled(BOT_ID, update_id)
                assert actor_of(chat, opening.acting) == await load_actor(uow, chat)
                assert opening.dialog == (await uow.runtime.dialog(key) if key else (None, {}))
        both = actor_of(OTHER.secretary[0], (await uow.runtime.opening(
            BOT_ID, 7, OTHER.secretary[0], zalo=False, dialog_key="dialog:1")).acting)
        assert [(r.branch_name, r.role) for r in both.roles] == [(OTHER.name, Role.SECRETARY)]
        assert [s.branch_name for s in both.supervised] == [DONE.name]
        nobody = await uow.runtime.opening(BOT_ID, 5, NOBODY, zalo=False, dialog_key="dialog:1")
        assert (nobody.handled, nobody.acting, nobody.dialog) == (True, [], ("ask_date", {"n": 1}))
