"""The superior's decision on a proposal: the proposed level is confirmed as it is, another takes a reason."""

import pytest

from bot.domain.review.decision import Standing
from bot.services.errors import ServiceError
from bot.services.review_decision import Proposal

PROPOSAL = Proposal(Standing("member:4", "Nguyễn Văn An", "httnv", None), (), ("htxsnv", "httnv", "htnv", "khtnv"))


def test_the_proposed_level_needs_no_reason_another_does():
    assert PROPOSAL.membership_id == 4
    assert not PROPOSAL.needs_reason("httnv")
    assert PROPOSAL.needs_reason("htnv")


def test_a_level_not_open_to_the_proposal_is_refused():
    with pytest.raises(ServiceError) as refused:
        PROPOSAL.needs_reason("tsvm")
    assert refused.value.code == "bad_subject"
