"""Many branches for a trial (`chibo demo --branches N`): N more branches under the demo's superior unit, each
with a secretary and members (not linked to any chat), supervised by the demo supervisor, no review begun.
One bulk insert per table, so thousands load in seconds."""

from datetime import datetime, timedelta

from bot.domain.roster import Role, Status
from bot.services import supervision_admin
from storage.models import Membership, SupervisorLink
from storage.supervision_models import UnitBranch
from storage.uow import UnitOfWork

NAME = "Chi bộ Tổ dân phố {n} (thử)"
MEMBERS = 7  # per branch, the secretary among them
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
GIVEN = ("Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Văn Đức", "Thị Hà", "Văn Hùng", "Thị Lan", "Văn Minh",
         "Thị Nga", "Văn Phúc", "Thị Quyên")
ADMITTED_YEARS_AGO = 10


async def add_trial_branches(uow: UnitOfWork, count: int, unit_name: str, supervisor_user_id: int,
                             now: datetime) -> int:
    """Adds `count` branches (numbered after those added before); returns how many trial branches there are."""
    unit, _ = await supervision_admin.add_unit(uow, unit_name, now)
    supervisor = await uow.people.by_telegram_id(supervisor_user_id)
    first = 1 + await uow.branches.count_named(NAME.format(n="%"))
    numbers = range(first, first + count)
    branch_ids = await uow.branches.insert_many(
        [{"name": NAME.format(n=n), "superior_unit": unit.name, "created_at": now} for n in numbers])
    people = [(branch_id, k, FAMILY[(n + k) % len(FAMILY)] + " " + GIVEN[(n * 5 + k) % len(GIVEN)])
              for n, branch_id in zip(numbers, branch_ids, strict=True) for k in range(MEMBERS)]
    person_ids = await uow.people.insert_many([{"full_name": name, "created_at": now} for _, _, name in people])
    admitted = now.date() - timedelta(days=round(ADMITTED_YEARS_AGO * 365.25))
    await uow.branches.insert_rows(Membership, [
        {"branch_id": branch_id, "person_id": person_id, "role": Role.SECRETARY if k == 0 else Role.MEMBER,
         "status": Status.FULL, "admitted_on": admitted, "exempt": False, "suspended": False, "created_at": now}
        for (branch_id, k, _), person_id in zip(people, person_ids, strict=True)])
    await uow.branches.insert_rows(UnitBranch, [{"branch_id": b, "unit_id": unit.id, "created_at": now}
                                                for b in branch_ids])
    await uow.branches.insert_rows(SupervisorLink, [{"branch_id": b, "person_id": supervisor.id, "created_at": now}
                                                    for b in branch_ids])
    uow.audit(now, None, None, "demo.trial_branches", count=count, unit_id=unit.id)
    await uow.commit()
    return first + count - 1
