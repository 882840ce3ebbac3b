"""The safety net behind explicit re-plan requests, for tests only: a transaction that commits a change to a
branch's tasks or memberships without a ReplanRequest for that branch is written down in `missed`, and
tests/conftest.py fails the test that made it. Production has no such listener: each use case asks itself.

Changes are counted per transaction: a savepoint rolled back takes its changes and requests with it, one
released hands them to the transaction around it, and the outermost commit is where they must match."""

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from storage.models import Membership, Task
from storage.reminder_models import ReplanRequest

WATCHED = (Task, Membership)
missed: list[str] = []

_KEY = "replan_guard"  # session.info: {transaction: (branches changed, branches asked for)}


def _owner(session: Session) -> SessionTransaction | None:
    """The savepoint, or else the outermost transaction, that what is flushed now belongs to."""
    return session.get_nested_transaction() or session.get_transaction()


def _around(transaction: SessionTransaction) -> SessionTransaction:
    """The savepoint or outermost transaction around a savepoint."""
    around = transaction.parent
    while around.parent is not None and not around.nested:
        around = around.parent
    return around


def _counts(session: Session, transaction: SessionTransaction | None) -> tuple[set[int], set[int]]:
    return session.info.setdefault(_KEY, {}).setdefault(transaction, (set(), set()))


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, flush_context: object) -> None:
    changed, asked = _counts(session, _owner(session))
    touched = [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]
    changed |= {o.branch_id for o in touched if isinstance(o, WATCHED) and o.branch_id is not None}
    asked |= {o.branch_id for o in session.new if isinstance(o, ReplanRequest)}


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    counts = session.info.get(_KEY, {})
    nested = session.get_nested_transaction()
    if nested is not None:  # a released savepoint: its counts go to the transaction around it
        changed, asked = counts.pop(nested, (set(), set()))
        outer_changed, outer_asked = _counts(session, _around(nested))
        outer_changed |= changed
        outer_asked |= asked
        return
    changed = set().union(*(c for c, _ in counts.values()))
    asked = set().union(*(a for _, a in counts.values()))
    counts.clear()
    if changed - asked:
        missed.append(f"branches {sorted(changed - asked)}: tasks or memberships changed, no re-plan asked for")


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    counts = session.info.get(_KEY, {})
    if previous_transaction.parent is None:
        counts.clear()
    else:
        counts.pop(previous_transaction, None)
