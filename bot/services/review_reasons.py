"""The review's coded reasons said in Vietnamese: the domain returns a proposal with its reasons, this module
renders them with review_reasons.j2 (the domain reads no template)."""

from bot.domain.review.assessment import Proposal
from bot.texts import plain


def explain(proposal: Proposal) -> str:
    """One line in Vietnamese, e.g. "86 điểm; 100% nhiệm vụ đúng hạn → Hoàn thành tốt nhiệm vụ"."""
    return plain("review_reasons", "explain", reasons=proposal.reasons, final=str(proposal.level))
