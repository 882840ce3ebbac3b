"""The review's coded reasons said in Vietnamese: the domain returns a proposal with its reasons, this module
renders them with review_reasons.j2 (the domain reads no template)."""

from bot.domain.review.assessment import Proposal
from bot.texts import plain


def explain(proposal: Proposal) -> str:
    """One line in Vietnamese, e.g. "86 điểm; 100% nhiệm vụ đúng hạn → Hoàn thành tốt nhiệm vụ"."""
    return explain_stored(str(proposal.level), proposal.reasons)


def explain_stored(level: str, reasons) -> str:
    """The same line from a proposal as stored with a vote (its level, its reasons as {"code", "params"})."""
    return plain("review_reasons", "explain", reasons=reasons, final=level)
