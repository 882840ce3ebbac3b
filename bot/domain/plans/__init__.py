"""Reading plans (Kế hoạch): header, dated items, owners.

Everything here is pure. The file readers (.txt, .docx) live in `bot.domain.plans.readers`,
imported on their own so that the core does not load python-docx.
"""

from bot.domain.plans.extract import extract_plan, extract_plan_text
from bot.domain.plans.model import Item, Plan, PlanHeader, Recurrence, When
from bot.domain.plans.owners import is_branch_owner
from bot.domain.plans.time_expressions import TimeExpression, find_time_expressions

__all__ = [
    "Item",
    "Plan",
    "PlanHeader",
    "Recurrence",
    "TimeExpression",
    "When",
    "extract_plan",
    "extract_plan_text",
    "find_time_expressions",
    "is_branch_owner",
]
