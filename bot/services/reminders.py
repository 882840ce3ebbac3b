"""Reminders: a branch's reminders planned into the outbox, the hourly and on-change re-plans, a person's
/nhacviec settings, and what happens when someone has blocked the bot.

A planned feature (bot/domain/reminders/features.py) has its collector in COLLECTORS: it turns a branch into
ReminderSources (or the digest's DigestSource), and a re-plan reconciles exactly the planned features'
namespaces: new reminders are added, changed ones updated while still pending, and pending ones nobody asks
for any more are cancelled. The calendar's tasks, the digest and the review's "closing soon" nudges are
planned; what is written once (the notices here and in review_decision, the weekly summary of weekly.py)
goes through the same `reminder` factory and `outbox_row`.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.config import Settings
from bot.domain.calendar.agenda import build_agenda
from bot.domain.calendar.model import CalendarTask
from bot.domain.calendar.periods import this_month
from bot.domain.reminders import features
from bot.domain.reminders.features import OPTIONAL_KINDS, PLANNED, Feature, Kind
from bot.domain.reminders.planning import (
    DigestSource,
    Planned,
    Recipient,
    ReminderSource,
    Rules,
    at_once,
    plan,
    reminder,
)
from bot.domain.reminders.quiet import QuietHours
from bot.domain.roster import Role
from bot.services import review_reminders
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, ServiceError
from bot.services.task_mapper import calendar_tasks
from bot.texts import plain, render
from storage.models import Membership, Person
from storage.reminder_models import CANCELLED, FAILED, PENDING, Reminder, ReminderPrefs
from storage.uow import UnitOfWork

UNREACHABLE = "unreachable"  # why a blocked person's pending reminders were cancelled
UPCOMING_LIMIT = 10
SUBJECT_LIMIT = 200
REPLAN_BATCH = 100

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class BranchContext:
    branch_id: int
    branch_name: str
    roster: tuple[Membership, ...]
    tasks: tuple[CalendarTask, ...]

    @property
    def leaders(self) -> tuple[int, ...]:
        """Who gets the branch's deadlines and digest: the secretary and the deputy."""
        return tuple(m.person_id for m in self.roster if m.role in (Role.SECRETARY, Role.DEPUTY))


Collector = Callable[[UnitOfWork, BranchContext], Awaitable[list[ReminderSource] | list[DigestSource]]]


async def task_sources(uow: UnitOfWork, ctx: BranchContext) -> list[ReminderSource]:
    """Open, dated, one-off tasks of the branch itself; recurring rounds and other units' tasks are not
    reminded of."""
    return [
        ReminderSource(features.TASKS, t.id, ctx.branch_id, t.text, t.due, ctx.leaders)
        for t in ctx.tasks
        if t.is_branch_task and t.due is not None and not t.done and not t.is_recurring
    ]


async def digest_sources(uow: UnitOfWork, ctx: BranchContext) -> list[DigestSource]:
    return [DigestSource(ctx.branch_id, ctx.tasks, ctx.leaders)]


COLLECTORS: dict[Feature, Collector] = {
    features.TASKS: task_sources,
    features.DIGEST: digest_sources,
    features.SELF_REVIEWS: lambda uow, ctx: review_reminders.self_review_sources(uow, ctx.branch_id, ctx.roster),
    features.SHEETS: lambda uow, ctx: review_reminders.sheet_sources(uow, ctx.branch_id, ctx.roster),
    features.BALLOTS: lambda uow, ctx: review_reminders.ballot_sources(uow, ctx.branch_id, ctx.roster),
}
PLANNED_SOURCES = tuple(f.namespace for f in PLANNED)


@dataclass(frozen=True)
class Replanned:
    added: int = 0
    updated: int = 0
    cancelled: int = 0


def rules(settings: Settings) -> Rules:
    return Rules(send_time=settings.reminder_clock)


def quiet_of(prefs: ReminderPrefs | None, settings: Settings) -> QuietHours:
    if prefs is None or prefs.quiet_start is None or prefs.quiet_end is None:
        return settings.default_quiet
    return QuietHours(prefs.quiet_start, prefs.quiet_end)


def opted_out(prefs: ReminderPrefs | None) -> frozenset[Kind]:
    names = prefs.opted_out.split(",") if prefs and prefs.opted_out else []
    return frozenset(Kind(name) for name in names if name in OPTIONAL_KINDS)


def recipient(person: Person, prefs: ReminderPrefs | None, settings: Settings) -> Recipient | None:
    """The person as the planner sees them; None when the bot cannot write to them."""
    chat_id = person.chat_id()  # the channel the person uses: Telegram or Zalo
    if chat_id is None or (prefs is not None and prefs.unreachable_since is not None):
        return None
    tz = ZoneInfo(prefs.timezone) if prefs and prefs.timezone else settings.tz
    return Recipient(person.id, chat_id, tz, quiet_of(prefs, settings), opted_out(prefs))


def _texts(p: Planned, branch_name: str) -> tuple[str, str]:
    subject = plain(p.feature.template, "subject", p=p)[:SUBJECT_LIMIT]
    return render(p.feature.template, "message", p=p, branch_name=branch_name), subject


def outbox_row(p: Planned, text: str, subject: str, now: datetime) -> dict:
    return {"key": p.key, "source": p.source, "kind": p.kind, "branch_id": p.branch_id,
            "person_id": p.recipient.person_id, "chat_id": p.recipient.chat_id, "send_at": p.send_at,
            "status": PENDING, "subject": subject, "text": text, "attempts": 0, "created_at": now}


async def _load_branch(uow: UnitOfWork, branch_id: int,
                       settings: Settings) -> tuple[BranchContext, dict[int, Recipient]] | None:
    """The branch as planning sees it, and those of its people the bot can write to."""
    branch = await uow.branches.get(branch_id)
    if branch is None:
        return None
    roster = tuple(await uow.branches.roster(branch_id))
    ctx = BranchContext(branch.id, branch.name, roster, tuple(await calendar_tasks(uow, branch_id)))
    people = {m.person_id: m.person for m in roster}
    prefs = await uow.reminders.prefs(people)
    return ctx, {pid: r for pid, person in people.items() if (r := recipient(person, prefs.get(pid), settings))}


async def plan_branch(uow: UnitOfWork, branch_id: int, now: datetime, settings: Settings) -> Replanned:
    loaded = await _load_branch(uow, branch_id, settings)
    if loaded is None:
        return Replanned()
    ctx, recipients = loaded
    sources = [s for feature in PLANNED for s in await COLLECTORS[feature](uow, ctx)]
    planned = plan(sources, recipients, now, rules(settings))
    existing = await uow.reminders.planned(ctx.branch_id, PLANNED_SOURCES, (p.key for p in planned))
    new_rows, updated = [], 0
    for p in planned:
        row = existing.get(p.key)
        text, subject = _texts(p, ctx.branch_name)
        if row is None and not p.late:
            new_rows.append(outbox_row(p, text, subject, now))
        elif row is not None and (values := _refreshed(row, p, text, subject)):
            updated += await uow.reminders.revise(row, values)
    wanted = {p.key for p in planned}
    cancelled = 0
    for row in existing.values():
        if row.status == PENDING and row.key not in wanted:
            cancelled += await uow.reminders.revise(row, {"status": CANCELLED, "last_error": "no longer planned"})
    await uow.reminders.add_new(new_rows)
    await uow.commit()
    return Replanned(len(new_rows), updated, cancelled)


async def digest_now(uow: UnitOfWork, branch_id: int, now: datetime, settings: Settings) -> list[datetime]:
    """This month's digest for the branch leaders now (or when their quiet hours end), as the 1st of the
    month would bring it — at most once a day each. Returns when each will go out."""
    loaded = await _load_branch(uow, branch_id, settings)
    if loaded is None:
        return []
    ctx, recipients = loaded
    rows = []
    for r in (recipients[pid] for pid in ctx.leaders if pid in recipients):
        today = now.astimezone(r.tz).date()
        p = reminder(feature=features.DIGEST_NOW, kind=Kind.DIGEST, branch_id=ctx.branch_id, recipient=r,
                     when=at_once(r, now), key=("now", ctx.branch_id, r.person_id, f"{today:%Y%m%d}"),
                     agenda=build_agenda(ctx.tasks, this_month(today), today))
        rows.append(outbox_row(p, *_texts(p, ctx.branch_name), now))
    await uow.reminders.add_new(rows)
    await uow.commit()
    return [row["send_at"] for row in rows]


def _refreshed(row: Reminder, p: Planned, text: str, subject: str) -> dict | None:
    """What a pending row takes from the new plan, or a cancelled one coming back while still in time; sent,
    sending and failed rows are history. None when the row stays as it is."""
    if not (row.status == PENDING or (row.status == CANCELLED and not p.late)):
        return None
    wanted = (PENDING, p.send_at, text, subject, p.recipient.chat_id)  # the chat: the channel linked last
    if (row.status, row.send_at, row.text, row.subject, row.chat_id) == wanted:
        return None
    return dict(zip(("status", "send_at", "text", "subject", "chat_id"), wanted, strict=True), last_error=None)


async def plan_all(uows: UowFactory, now: datetime, settings: Settings, *,
                   between: Callable[[], Awaitable[None]] | None = None) -> int:
    """The hourly pass: rolls the horizon forward for every branch that may have something to plan.
    `between` is awaited before each branch, with no transaction open: the caller's turn to let other work
    run, or to end the pass by raising."""
    today = now.date()
    async with uows() as uow:
        branch_ids = await uow.reminders.branches_to_plan(
            today - timedelta(days=2), today + rules(settings).horizon + timedelta(days=1), PLANNED_SOURCES,
            with_any_task=(today + timedelta(days=2)).day <= 3,  # the last days of a month and the 1st: digests
        )
    for branch_id in branch_ids:
        if between is not None:
            await between()
        async with uows() as uow:
            await plan_branch(uow, branch_id, now, settings)
    return len(branch_ids)


async def replan_requested(uows: UowFactory, now: datetime, settings: Settings) -> int:
    """Re-plans the branches whose tasks or roster changed; a request is forgotten only once planned."""
    async with uows() as uow:
        requests = await uow.reminders.replan_requests(REPLAN_BATCH)
    branch_ids = sorted({r.branch_id for r in requests})
    for branch_id in branch_ids:
        async with uows() as uow:
            await plan_branch(uow, branch_id, now, settings)
    if requests:
        async with uows() as uow:
            await uow.reminders.forget_requests([r.id for r in requests])
            await uow.commit()
    return len(branch_ids)


async def mark_unreachable(uow: UnitOfWork, reminder_id: int, now: datetime, settings: Settings) -> None:
    """A 403: the person blocked the bot. Their reminders stop, and a leader of the branch is told once."""
    row = await uow.reminders.get(reminder_id)
    if row is None:
        return
    row.status, row.last_error = FAILED, "403: blocked by the user"
    prefs = await _prefs_row(uow, row.person_id)
    newly = prefs.unreachable_since is None
    if newly:
        prefs.unreachable_since = now
        await _tell_leader(uow, row.branch_id, row.person_id, now, settings)
    await uow.reminders.cancel_pending(row.person_id, UNREACHABLE)
    uow.audit(now, None, row.branch_id, "reminder.unreachable", person_id=row.person_id)
    await uow.commit()


async def _tell_leader(uow: UnitOfWork, branch_id: int, blocked_person_id: int, now: datetime,
                       settings: Settings) -> None:
    roster = await uow.branches.roster(branch_id)
    blocked = next(m.person for m in roster if m.person_id == blocked_person_id)
    leaders = sorted((m for m in roster if m.role in (Role.SECRETARY, Role.DEPUTY) and m.person_id != blocked.id),
                     key=lambda m: m.role != Role.SECRETARY)
    prefs = await uow.reminders.prefs(m.person_id for m in leaders)
    reachable = [r for m in leaders if (r := recipient(m.person, prefs.get(m.person_id), settings))]
    if not reachable:
        return
    leader, branch = reachable[0], await uow.branches.get(branch_id)
    notice = reminder(feature=features.UNREACHABLE, kind=Kind.UNREACHABLE, branch_id=branch_id, recipient=leader,
                      when=at_once(leader, now), key=(branch_id, blocked.id, f"{now:%Y%m%d%H%M%S}"))
    template = features.UNREACHABLE.template
    await uow.reminders.add_new([outbox_row(
        notice, render(template, "unreachable", name=blocked.full_name, branch_name=branch.name),
        plain(template, "unreachable_subject", name=blocked.full_name), now,
    )])


# -- /nhacviec -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upcoming:
    at: datetime  # in the person's zone
    kind: str
    subject: str


@dataclass(frozen=True)
class Overview:
    full_name: str
    quiet: QuietHours
    quiet_is_default: bool
    timezone: str
    opted_out: frozenset[Kind]
    upcoming: tuple[Upcoming, ...]


def _person_id(actor: Actor) -> int:
    if actor.person_id is None:
        raise AccessDenied("no_branch")
    return actor.person_id


async def _prefs_row(uow: UnitOfWork, person_id: int) -> ReminderPrefs:
    prefs = (await uow.reminders.prefs([person_id])).get(person_id)
    if prefs is None:
        prefs = ReminderPrefs(person_id=person_id, opted_out="")
        uow.reminders.add(prefs)
    return prefs


async def overview(uow: UnitOfWork, actor: Actor, now: datetime, settings: Settings) -> Overview:
    """What the person will get and their settings. Opening it also means the person reads the bot again,
    so a past "blocked the bot" mark is lifted and their reminders are planned anew."""
    person_id = _person_id(actor)
    prefs = (await uow.reminders.prefs([person_id])).get(person_id)
    if prefs is not None and prefs.unreachable_since is not None:
        prefs.unreachable_since = None
        await _replan_person(uow, actor, now, settings)
    tz = ZoneInfo(prefs.timezone) if prefs and prefs.timezone else settings.tz
    upcoming = tuple(Upcoming(row.send_at.astimezone(tz), row.kind, row.subject)
                     for row in await uow.reminders.upcoming(person_id, UPCOMING_LIMIT))
    return Overview(
        full_name=actor.full_name or "", quiet=quiet_of(prefs, settings),
        quiet_is_default=prefs is None or prefs.quiet_start is None, timezone=str(tz),
        opted_out=opted_out(prefs), upcoming=upcoming,
    )


async def _replan_person(uow: UnitOfWork, actor: Actor, now: datetime, settings: Settings) -> None:
    await uow.commit()
    for branch_id in sorted({r.branch_id for r in actor.roles}):
        await plan_branch(uow, branch_id, now, settings)


async def _change(uow: UnitOfWork, actor: Actor, now: datetime, settings: Settings,
                  change: Callable[[ReminderPrefs], None]) -> Overview:
    person_id = _person_id(actor)
    change(await _prefs_row(uow, person_id))
    uow.audit(now, person_id, actor.home.branch_id if actor.home else None, "reminder.settings")
    await _replan_person(uow, actor, now, settings)
    return await overview(uow, actor, now, settings)


async def toggle_kind(uow: UnitOfWork, actor: Actor, kind: str, now: datetime, settings: Settings) -> Overview:
    if kind not in OPTIONAL_KINDS:
        raise ServiceError("stale_button")

    def toggle(prefs: ReminderPrefs) -> None:
        current = {k.value for k in opted_out(prefs)}
        prefs.opted_out = ",".join(sorted(current ^ {kind}))

    return await _change(uow, actor, now, settings, toggle)


async def set_quiet(uow: UnitOfWork, actor: Actor, quiet: QuietHours | None, now: datetime,
                    settings: Settings) -> Overview:
    """`quiet` None goes back to the configured default."""

    def apply(prefs: ReminderPrefs) -> None:
        prefs.quiet_start, prefs.quiet_end = (quiet.start, quiet.end) if quiet else (None, None)

    return await _change(uow, actor, now, settings, apply)


def parse_timezone(name: str) -> str:
    """An IANA zone name as typed, in any letter case ("asia/tokyo"); ValueError for anything else."""
    cleaned = name.strip()
    try:
        return str(ZoneInfo(cleaned))
    except (ZoneInfoNotFoundError, ValueError):
        found = next((z for z in available_timezones() if z.lower() == cleaned.lower()), None)
        if found is None:
            raise ValueError(f"unknown time zone {name!r}") from None
        return found


async def set_timezone(uow: UnitOfWork, actor: Actor, name: str, now: datetime, settings: Settings) -> Overview:
    try:
        zone = parse_timezone(name)
    except ValueError as error:
        raise ServiceError("stale_button") from error

    def apply(prefs: ReminderPrefs) -> None:
        prefs.timezone = None if zone == settings.timezone else zone

    return await _change(uow, actor, now, settings, apply)
