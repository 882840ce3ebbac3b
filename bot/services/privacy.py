"""A person's data: everything stored about them as one JSON document, and erasing it.

Who may ask: the person themselves (in the bot, under /toi), the secretary of the one branch the person belongs
to (from the member card), and the operator at the command line (`chibo admin export-person/delete-person`).
A secretary acts only on a person whose every tie is to her own branch: someone who is also in another branch,
or supervises or administers, is the person's own (or the operator's) to erase.

Erasing keeps the branch's records consistent (see README, "Privacy"): the person row and the roster entry stay,
so every count, vote, tally, attendance figure and classification that counted them still adds up, but the name
becomes a neutral placeholder and everything that identifies or was written by or about them goes:
the Telegram id and the Zalo account (its id, display name and what its chat was shown), pieces of a plan
they pasted or photographed that were still waiting to be read, free text (self-review, residence comment,
absence reason, feedback they gave and feedback about them, the reasons of corrections to their assessment
sheet — whose figures and proposal stay, as votes do), their reminders and settings, unused invitation
links to their entry, their supervision roles, and their name wherever the audit log or the votes' reasons repeat
it. Secret-ballot choices are never stored, so
there is nothing to export or erase there beyond the fact that they voted (kept, anonymous once the name goes).
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.channels.ids import zalo_row
from bot.domain.review.levels import MEMBER_LEVELS
from bot.domain.roster import Role
from bot.domain.text import fold
from bot.services.actor import Actor
from bot.services.errors import AccessDenied, NotFound, ServiceError
from bot.services.roster import own_membership
from bot.texts import plain
from storage.models import Membership, Person
from storage.uow import UnitOfWork

EXPORT_FORMAT = "chibo-person-export/1"
MEMBER_SUBJECT = "member:{}"


class Operator:
    """The administrator at the command line: may export and erase anyone."""

    def __repr__(self) -> str:
        return "OPERATOR"


OPERATOR = Operator()
Who = Actor | Operator


def placeholder_name(person_id: int) -> str:
    return plain("privacy", "placeholder_name", person_id=person_id)


def erased_text() -> str:
    return plain("privacy", "erased_text")


@dataclass(frozen=True)
class Target:
    person: Person
    memberships: list[Membership]
    by: str  # "self", "secretary" or "operator"

    @property
    def membership_ids(self) -> list[int]:
        return [m.id for m in self.memberships]

    @property
    def branch_ids(self) -> list[int]:
        return sorted({m.branch_id for m in self.memberships})


async def _target(uow: UnitOfWork, who: Who, *, person_id: int | None, membership_id: int | None) -> Target:
    if isinstance(who, Operator):
        if person_id is None:
            raise ValueError("the operator names a person")
        person = await uow.people.get(person_id)
        if person is None:
            raise NotFound("privacy_person_not_found", person_id=person_id)
        return Target(person, await uow.people.memberships(person.id), "operator")
    if membership_id is not None:
        membership = await own_membership(uow, who, membership_id)  # the secretary's own branch, or refused
        person = membership.person
        memberships = await uow.people.memberships(person.id)
        if person.id == who.person_id:
            return Target(person, memberships, "self")
        elsewhere = (any(m.branch_id != membership.branch_id for m in memberships)
                     or await uow.privacy.supervised(person.id) or await uow.privacy.administered(person.id))
        if elsewhere:
            raise AccessDenied("privacy_person_elsewhere", membership_id=membership_id)
        return Target(person, memberships, "secretary")
    if who.person_id is None or person_id not in (None, who.person_id):
        raise AccessDenied("privacy_no_data", person_id=person_id)
    person = await uow.people.get(who.person_id)
    return Target(person, await uow.people.memberships(person.id), "self")


# -- export ---------------------------------------------------------------------------------------------------

def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _details(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _level(value: str | None) -> str | None:
    return plain("review_reasons", "level", value=value) if value in MEMBER_LEVELS else None


@dataclass(frozen=True)
class Export:
    person_id: int
    full_name: str
    file_name: str
    content: bytes  # UTF-8 JSON


async def export_data(uow: UnitOfWork, who: Who, now: datetime, *, person_id: int | None = None,
                      membership_id: int | None = None) -> Export:
    """Everything stored about the person, as one readable JSON document."""
    target = await _target(uow, who, person_id=person_id, membership_id=membership_id)
    data = await _collect(uow, target, now)
    person = target.person
    for branch_id in target.branch_ids or [None]:
        uow.audit(now, _actor_id(who), branch_id, "person.export", person_id=person.id, by=target.by)
    await uow.commit()
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return Export(person.id, person.full_name, plain("privacy", "export_file_name", person_id=person.id), content)


async def _collect(uow: UnitOfWork, target: Target, now: datetime) -> dict[str, Any]:
    r = uow.privacy
    person, ids = target.person, target.membership_ids
    entries = await r.review_entries(ids)
    votes = {v.subject: v for v in await r.votes({rv.id for _, rv in entries}, [MEMBER_SUBJECT.format(i)
                                                                                 for i in ids])}
    prefs = await r.prefs(person.id)
    zalo = None if person.zalo_chat_id is None else await r.zalo_chat(zalo_row(person.zalo_chat_id))
    written = await _feedback_written(uow, target, await _names(uow, target))
    return {
        "format": EXPORT_FORMAT,
        "about_this_file": plain("privacy", "export_note"),
        "exported_at": _when(now),
        "person": {"id": person.id, "full_name": person.full_name, "telegram_user_id": person.telegram_user_id,
                   "zalo_chat_id": person.zalo_chat_id, "reminders_channel": person.channel,
                   "known_since": _when(person.created_at)},
        "zalo_account": None if zalo is None else {
            "zalo_user_id": zalo.zalo_user_id, "zalo_chat_id": zalo.zalo_chat_id,
            "display_name": zalo.display_name, "first_message_at": _when(zalo.created_at)},
        "memberships": [
            {"membership_id": m.id, "branch": {"id": m.branch.id, "name": m.branch.name,
                                               "superior_unit": m.branch.superior_unit,
                                               "locality": m.branch.locality},
             "role": m.role, "role_name": plain("labels", "role", value=m.role),
             "status": m.status, "status_name": plain("labels", "status", value=m.status),
             "admitted_on": _when(m.admitted_on), "exempt": m.exempt, "suspended": m.suspended,
             "on_roster_since": _when(m.created_at)}
            for m in target.memberships
        ],
        "supervises_branches": [{"branch_id": b.id, "name": b.name, "since": _when(link.created_at)}
                                for link, b in await r.supervised(person.id)],
        "administers_units": [{"unit_id": u.id, "name": u.name, "since": _when(a.created_at)}
                              for a, u in await r.administered(person.id)],
        "invitations": [
            {"id": i.id, "kind": i.kind, "branch_id": i.branch_id, "membership_id": i.membership_id,
             "created_at": _when(i.created_at), "expires_at": _when(i.expires_at), "used_at": _when(i.used_at),
             "used_by_this_person": i.used_by == person.id}
            for i in await r.invitations(person.id, ids)
        ],
        "reminder_settings": None if prefs is None else {
            "kinds_turned_off": [k for k in prefs.opted_out.split(",") if k],
            "quiet_hours_start_minute": prefs.quiet_start, "quiet_hours_end_minute": prefs.quiet_end,
            "time_zone": prefs.timezone, "unreachable_since": _when(prefs.unreachable_since)},
        "reminders": [
            {"id": x.id, "kind": x.kind, "branch_id": x.branch_id, "send_at": _when(x.send_at), "status": x.status,
             "sent_at": _when(x.sent_at), "subject": x.subject, "text": x.text}
            for x in await r.reminders(person.id)
        ],
        "plan_pieces_waiting": [
            {"id": p.id, "branch_id": p.branch_id, "text": p.text, "photo_or_file": p.file_id,
             "received_at": _when(p.received_at)}
            for p in await r.plan_parts(person.id)
        ],
        "reviews": [_review_entry(entry, review, votes.get(MEMBER_SUBJECT.format(entry.membership_id)))
                    for entry, review in entries],
        "assessment_sheets": [_sheet(row, review, person.id) for row, review in await _sheets(uow, entries)],
        "feedback_given": [_feedback(f, rv) for f, rv in written],
        "feedback_about_them": [_feedback(f, rv) for f, rv in await r.feedback_about(ids)],
        "secret_ballots_voted_in": [
            {"ballot_id": b.id, "review_year": rv.year, "branch_id": rv.branch_id, "subject": b.subject,
             "opened_at": _when(b.opened_at), "closed_at": _when(b.closed_at), "times_changed": v.version - 1,
             "note": plain("privacy", "ballot_note")}
            for v, b, rv in await r.ballots_voted(person.id)
        ],
        "audit_entries_as_actor": [
            {"id": a.id, "at": _when(a.at), "branch_id": a.branch_id, "action": a.action,
             "details": _details(a.details)}
            for a in await r.audit_by(person.id)
        ],
    }


def _review_entry(entry, review, vote) -> dict[str, Any]:
    return {
        "review_year": review.year, "branch_id": review.branch_id, "membership_id": entry.membership_id,
        "self_review": {"handed_in": entry.self_review, "at": _when(entry.self_review_at),
                        "text": entry.self_review_text, "file_name": entry.self_review_file},
        "residence_area": {"requested_at": _when(entry.residence_requested_at),
                           "received_at": _when(entry.residence_received_at), "comment": entry.residence_comment},
        "meeting": {"present": entry.present, "absence_reason": entry.absence_reason},
        "facts_for_the_rules": {"meetings_missed": entry.meetings_missed,
                                "sick_leave_months": entry.sick_leave_months, "disciplined": entry.disciplined},
        "classification": None if vote is None else {
            "proposed": vote.proposed, "proposed_name": _level(vote.proposed),
            "votes": {"approve": vote.approve, "disapprove": vote.disapprove, "other": vote.other},
            "outcome": vote.outcome, "outcome_name": _level(vote.outcome),
            "reasons": _details(vote.reasons), "recorded_at": _when(vote.recorded_at)},
    }


async def _sheets(uow: UnitOfWork, entries) -> list:
    """The person's assessment sheets (QĐ 366), one per review they are in and filled a sheet for."""
    found = []
    for entry, review in entries:
        row = await uow.reviews.assessment(review.id, MEMBER_SUBJECT.format(entry.membership_id))
        if row is not None:
            found.append((row, review))
    return found


def _sheet(row, review, person_id: int) -> dict[str, Any]:
    return {
        "review_year": review.year, "branch_id": review.branch_id, "subject": row.subject,
        "figures": {"common": row.common, "results": row.results, "tasks_total": row.tasks_total,
                    "tasks_done": row.tasks_done, "tasks_on_time": row.tasks_on_time,
                    "tasks_exceeded": row.tasks_exceeded, "shortcomings_remedied": row.shortcomings_remedied},
        "total": row.common + row.results,
        "grave_facts": {"discipline": row.discipline, "degradation": row.degradation,
                        "self_admitted": row.self_admitted},
        "filled_at": _when(row.filled_at), "filled_by_this_person": row.filled_by == person_id,
        "checked_at": _when(row.reviewed_at), "corrections": _details(row.corrections),
        "proposed": row.proposed, "proposed_name": _level(row.proposed), "reasons": _details(row.reasons),
        "superior_decides": row.superior_decides,
    }


def _feedback(f, review) -> dict[str, Any]:
    return {"id": f.id, "review_year": review.year, "branch_id": review.branch_id, "source": f.source,
            "kind": f.kind, "about_membership_id": f.about_membership_id, "content": f.content,
            "answer": f.answer, "received_at": _when(f.received_at)}


async def _feedback_written(uow: UnitOfWork, target: Target, names: set[str]) -> list:
    """Named feedback from individuals whose name is one of the person's, in their branches' reviews."""
    folded = {fold(n) for n in names}
    return [(f, rv) for f, rv in await uow.privacy.person_feedback(target.branch_ids) if fold(f.source) in folded]


NAME_KEYS = ("full_name",)


def _names_in(details: Any) -> set[str]:
    """The values of name keys anywhere in an audit entry's details (a rename keeps before and after)."""
    found: set[str] = set()
    if isinstance(details, dict):
        for key, value in details.items():
            if key in NAME_KEYS and isinstance(value, str):
                found.add(value)
            else:
                found |= _names_in(value)
    elif isinstance(details, list):
        for value in details:
            found |= _names_in(value)
    return found


async def _names(uow: UnitOfWork, target: Target) -> set[str]:
    """Every name the person has had here: the current one, and those the audit log recorded for their roster
    entries (added as, renamed from)."""
    names = {target.person.full_name}
    ids = set(target.membership_ids)
    for entry in await uow.privacy.audit_of_members(target.branch_ids):
        details = _details(entry.details)
        if isinstance(details, dict) and details.get("membership_id") in ids:
            names |= _names_in(details)
    # An old name someone else on these rosters bears now is theirs, not this person's.
    others = {fold(m.person.full_name) for b in target.branch_ids for m in await uow.branches.roster(b)
              if m.person_id != target.person.id}
    return {n for n in names if n == target.person.full_name or fold(n) not in others}


# -- erasure --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ErasePreview:
    person_id: int
    full_name: str
    by: str


@dataclass
class Erased:
    person_id: int
    placeholder: str
    by: str
    memberships_kept: int = 0
    reminders_dropped: int = 0
    plan_pieces_dropped: int = 0
    invitations_dropped: int = 0
    self_reviews_erased: int = 0
    sheets_erased: int = 0  # assessment sheets: the corrections' reasons blanked, the figures kept
    comments_erased: int = 0
    feedback_given_erased: int = 0
    feedback_about_erased: int = 0
    audit_entries_scrubbed: int = 0
    roles_dropped: list[str] = field(default_factory=list)


def _actor_id(who: Who) -> int | None:
    return None if isinstance(who, Operator) else who.person_id


async def _check_erasable(uow: UnitOfWork, target: Target) -> None:
    """A branch is never left without its secretary."""
    for m in target.memberships:
        if m.role == Role.SECRETARY and await uow.privacy.holders(m.branch_id, Role.SECRETARY) <= 1:
            raise ServiceError("privacy_only_secretary", branch=m.branch.name)


async def preview_erase(uow: UnitOfWork, who: Who, *, person_id: int | None = None,
                        membership_id: int | None = None) -> ErasePreview:
    """Who would be erased; refused now, before the confirmation, if it cannot be done."""
    target = await _target(uow, who, person_id=person_id, membership_id=membership_id)
    await _check_erasable(uow, target)
    return ErasePreview(target.person.id, target.person.full_name, target.by)


def _scrub(value: Any, folded: set[str], placeholder: str) -> Any:
    """`value` with every string that is one of the names (whatever its case or diacritics) replaced."""
    if isinstance(value, str):
        return placeholder if fold(value) in folded else value
    if isinstance(value, list):
        return [_scrub(v, folded, placeholder) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, folded, placeholder) for k, v in value.items()}
    return value


def _scrub_json(text: str, folded: set[str], placeholder: str, **dumps: Any) -> str:
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    return json.dumps(_scrub(parsed, folded, placeholder), ensure_ascii=False, **dumps)


async def erase(uow: UnitOfWork, who: Who, now: datetime, *, person_id: int | None = None,
                membership_id: int | None = None) -> Erased:
    """Erases the person's personal data, keeping what the branch's records count (module docstring)."""
    target = await _target(uow, who, person_id=person_id, membership_id=membership_id)
    await _check_erasable(uow, target)
    r = uow.privacy
    person, ids = target.person, target.membership_ids
    names, placeholder, blank = await _names(uow, target), placeholder_name(person.id), erased_text()
    done = Erased(person.id, placeholder, target.by, memberships_kept=len(ids))

    entries = await r.review_entries(ids)
    for entry, _ in entries:
        if entry.self_review_text is not None or entry.self_review_file_id is not None or entry.self_review == "bot":
            done.self_reviews_erased += 1
            # The fact that it was handed in is kept (self-reviews n/m); what it said is not.
            entry.self_review_text = blank if entry.self_review == "bot" else None
            entry.self_review_file = entry.self_review_file_id = None
        if entry.residence_comment is not None or entry.absence_reason is not None:
            done.comments_erased += 1
            entry.residence_comment = entry.absence_reason = None
    for f, _ in await _feedback_written(uow, target, names):
        f.source, f.content = placeholder, blank
        f.answer = blank if f.answer is not None else None
        done.feedback_given_erased += 1
    for f, _ in await r.feedback_about(ids):
        f.content = blank
        f.answer = blank if f.answer is not None else None
        done.feedback_about_erased += 1

    folded = {fold(n) for n in names}
    for row, _ in await _sheets(uow, entries):
        # The figures and the proposal stay (the classification counts them); the committee's words go.
        corrections = [{**c, "reason": blank} for c in json.loads(row.corrections or "[]")]
        row.corrections = json.dumps(corrections, ensure_ascii=False)
        row.reasons = _scrub_json(row.reasons, folded, placeholder)
        done.sheets_erased += 1
    for vote in await r.votes({rv.id for _, rv in entries}, [MEMBER_SUBJECT.format(i) for i in ids]):
        vote.reasons = _scrub_json(vote.reasons, folded, placeholder)
    for entry in await r.audit_mentioning(person.id, target.branch_ids, sorted(names)):
        scrubbed = _scrub_json(entry.details, folded, placeholder, default=str, sort_keys=True)
        if scrubbed != entry.details:
            entry.details = scrubbed
            done.audit_entries_scrubbed += 1

    chats = [c for c in (person.telegram_user_id, person.zalo_chat_id) if c is not None]
    done.reminders_dropped = await r.drop_reminders(person.id, chats)
    for chat in chats:
        await r.drop_dialogs(chat)  # what they were typing halfway through a dialog, what Zalo showed them
    if person.zalo_chat_id is not None:
        await r.blank_zalo_chat(zalo_row(person.zalo_chat_id))
    done.plan_pieces_dropped = await r.drop_plan_parts(person.id)
    done.invitations_dropped = await r.drop_unused_invitations(ids)
    done.roles_dropped = ([f"supervisor:{b.id}" for _, b in await r.supervised(person.id)]
                          + [f"unit_admin:{u.id}" for _, u in await r.administered(person.id)])
    await r.drop_roles_above_branches(person.id)

    person.full_name, person.telegram_user_id, person.zalo_chat_id, person.channel = placeholder, None, None, None
    for branch_id in target.branch_ids:
        uow.reminders.request_replan(branch_id, now)  # pending reminders to others re-render with the placeholder
    summary = {k: v for k, v in vars(done).items() if k not in ("placeholder",)}
    for branch_id in target.branch_ids or [None]:
        uow.audit(now, _actor_id(who), branch_id, "person.erase", **summary)
    await uow.commit()
    return done
