"""The live order's controls on the secretary's phone: votes where the agenda votes, the secret ballot and the
quota at the members' ballot, back and next, and the end only at the last item."""

from datetime import datetime, timedelta

from bot.domain.review.meeting import AgendaItem, ItemKind, ScheduledItem
from bot.services.review_live import Controls, controls
from bot.services.review_meeting import LiveMeeting

START = datetime(2026, 12, 20, 1, 0)
KINDS = (ItemKind.COMMITTEE_REPORT, ItemKind.COMMITTEE_REPORT_VOTE, ItemKind.SELF_REVIEW, ItemKind.MEMBER_BALLOT,
         ItemKind.BRANCH_BALLOT)


def meeting(current: int, *, pending: int = 0) -> LiveMeeting:
    items = tuple(ScheduledItem(AgendaItem(kind.value, kind, None, 1, 1, 10), START + timedelta(minutes=10 * n),
                                START + timedelta(minutes=10 * n + 10)) for n, kind in enumerate(KINDS))
    return LiveMeeting(review_id=1, items=items, current=current, names={1: "Lê Thị Hằng"}, ended=False,
                       pending_quota=pending)


def test_the_first_item_has_no_way_back_and_no_vote():
    assert controls(meeting(0)) == Controls(vote=False, secret_ballot=False, close_votes=0, back=False, next=True,
                                            end=False)


def test_the_committee_report_is_voted_on():
    assert controls(meeting(1)).vote


def test_a_self_review_is_spoken_not_voted():
    c = controls(meeting(2, pending=2))
    assert (c.vote, c.secret_ballot, c.close_votes, c.back, c.next) == (False, False, 0, True, True)


def test_the_members_ballot_offers_the_secret_ballot_and_closing_the_votes_the_quota_waits_for():
    assert controls(meeting(3, pending=2)) == Controls(vote=True, secret_ballot=True, close_votes=2, back=True,
                                                       next=True, end=False)
    assert controls(meeting(3)).close_votes == 0


def test_only_the_last_item_ends_the_meeting():
    assert controls(meeting(4)) == Controls(vote=True, secret_ballot=False, close_votes=0, back=True, next=False,
                                            end=True)
