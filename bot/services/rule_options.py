"""The rule set a review classifies with, and the options a superior unit sets for its branches.

What the sources leave open is a named option of the rule set, with the sentence it comes from
(templates/rules/*.toml `[options.<key>]`). A superior unit's administrator sets each option for the unit
(`/donvi` in the bot, `chibo admin set-option` for the operator); every review of a branch of that unit then
classifies with those values. `rules_for(uow, review)` is the one way to get a review's rules.
"""

from dataclasses import dataclass
from datetime import datetime

from bot.domain.review.rules import Option, RuleSet, load_rule_set, rule_sets
from bot.services.actor import Actor
from bot.services.errors import ServiceError
from bot.services.supervision_admin import own_unit
from storage.decision_models import UnitOption
from storage.review_models import Review
from storage.supervision_models import SuperiorUnit
from storage.uow import UnitOfWork


def _known(rules: RuleSet, values: dict[str, str]) -> dict[str, str]:
    """Stored values the rule set still offers (a value the file no longer lists falls back to the default)."""
    choices = {o.key: o.choices for o in rules.options}
    return {key: value for key, value in values.items() if value in choices.get(key, ())}


async def rules_for(uow: UnitOfWork, review: Review) -> RuleSet:
    """The review's rule set with the options its branch's superior unit set."""
    rules = load_rule_set(review.rule_set)
    stored = await uow.decisions.branch_options(review.branch_id, review.rule_set)
    return rules.with_options(_known(rules, stored))


@dataclass(frozen=True)
class RuleSetOptions:
    unit_id: int
    unit_name: str
    rule_set: str
    rule_set_name: str
    options: tuple[Option, ...]  # with the unit's values in use
    set_here: frozenset[str]  # the keys the unit set (the others are the rule set's defaults)


async def unit_options(uow: UnitOfWork, unit: SuperiorUnit) -> list[RuleSetOptions]:
    """Every rule set that has options, with the unit's values."""
    repo = uow.decisions
    found = []
    for rules in rule_sets():
        if not rules.options:
            continue
        stored = {key: o.value for key, o in (await repo.options(unit.id, rules.key)).items()}
        values = _known(rules, stored)
        found.append(RuleSetOptions(unit.id, unit.name, rules.key, rules.name, rules.with_options(values).options,
                                    frozenset(values)))
    return found


async def set_option(uow: UnitOfWork, unit: SuperiorUnit, rule_set: str, key: str, value: str, now: datetime, *,
                     set_by: int | None = None) -> Option:
    """The unit's value for one option; refused unless the rule set offers that option and that value."""
    rules = next((r for r in rule_sets() if r.key == rule_set), None)
    option = next((o for o in rules.options if o.key == key), None) if rules else None
    if option is None:
        raise ServiceError("unknown_option", rule_set=rule_set, key=key)
    if value not in option.choices:
        raise ServiceError("bad_option_value", key=key, value=value, choices=option.choices)
    repo = uow.decisions
    row = (await repo.options(unit.id, rule_set)).get(key)
    if row is None:
        row = UnitOption(unit_id=unit.id, rule_set=rule_set, key=key)
        repo.add(row)
    row.value, row.set_by, row.set_at = value, set_by, now
    uow.audit(now, set_by, None, "unit.option", unit_id=unit.id, rule_set=rule_set, key=key, value=value)
    await uow.commit()
    return next(o for o in rules.with_options({key: value}).options if o.key == key)


# -- the administrator in the bot (/donvi) -------------------------------------------------------------------


async def admin_options(uow: UnitOfWork, actor: Actor, unit_id: int) -> list[RuleSetOptions]:
    return await unit_options(uow, await own_unit(uow, actor, unit_id))


async def admin_set_option(uow: UnitOfWork, actor: Actor, unit_id: int, rule_set: str, key: str, value: str,
                           now: datetime) -> Option:
    unit = await own_unit(uow, actor, unit_id)
    return await set_option(uow, unit, rule_set, key, value, now, set_by=actor.person_id)
