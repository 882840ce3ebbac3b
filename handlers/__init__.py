"""aiogram routers, thin: parse the update, call a service, render a template, answer."""

from aiogram import Router

from handlers import (
    calendar,
    common,
    onboarding,
    plans,
    privacy,
    reminders,
    review,
    review_assessment,
    review_ballot,
    review_decision,
    review_meeting,
    review_papers,
    roster,
    supervisor,
    unit_options,
)


def setup_routers() -> list[Router]:
    """Fresh routers each call, so every test can build its own dispatcher."""
    return [
        common.setup_first(),
        plans.setup_leave(),  # a command ends a plan import's dialog, whichever router runs it
        onboarding.setup(),
        roster.setup(),
        privacy.setup(),
        review.setup(),
        review_assessment.setup(),
        review_meeting.setup(),
        review_papers.setup(),
        review_ballot.setup(),
        review_decision.setup(),
        plans.setup(),
        calendar.setup(),
        reminders.setup(),
        supervisor.setup(),
        unit_options.setup(),
        common.setup_last(),
    ]
