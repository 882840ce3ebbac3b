"""The unit of work is the only way into storage (docs: architecture.md): outside storage/, no module builds a
repository (imports a `...Repo` class) nor touches the session of a unit of work (`uow.session`); it uses the
repositories the unit of work carries (`uow.reviews`, `uow.supervision`, ...). Every module of bot/, handlers/
and scheduling/ is read with ast."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_STORAGE = ("bot", "handlers", "scheduling")


def units_of_work(tree: ast.AST) -> set[str]:
    """The names a module gives a unit of work: `uow`, a parameter typed UnitOfWork, `with UnitOfWork(..) as x`."""
    names = {"uow"}
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and isinstance(node.annotation, ast.Name) and node.annotation.id == "UnitOfWork":
            names.add(node.arg)
        elif (isinstance(node, ast.withitem) and isinstance(node.context_expr, ast.Call)
              and isinstance(node.context_expr.func, ast.Name) and node.context_expr.func.id == "UnitOfWork"
              and isinstance(node.optional_vars, ast.Name)):
            names.add(node.optional_vars.id)
    return names


def holder(node: ast.expr) -> str | None:
    """The last name of what an attribute is read from: `uow` for `uow.session` and `self.uow.session`."""
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def storage_bypasses(source: str) -> list[str]:
    """(line: what) of every repository import from storage and every use of a unit of work's session."""
    tree = ast.parse(source)
    uows = units_of_work(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "storage":
            found += [f"{node.lineno}: imports {node.module}.{a.name}" for a in node.names if a.name.endswith("Repo")]
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: imports {a.name}" for a in node.names
                      if a.name.startswith("storage.") and a.name.endswith("repositories")]
        elif isinstance(node, ast.Attribute) and node.attr == "session" and holder(node.value) in uows:
            found.append(f"{node.lineno}: {holder(node.value)}.session")
    return found


def modules() -> list[Path]:
    return sorted(p for top in OUTSIDE_STORAGE for p in (ROOT / top).rglob("*.py"))


def test_the_walk_sees_services_handlers_and_scheduling():
    found = modules()
    assert {ROOT / "bot/services/review.py", ROOT / "handlers/review.py", ROOT / "scheduling/jobs.py"} <= set(found)


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_a_module_outside_storage_goes_through_the_unit_of_work(path):
    bad = storage_bypasses(path.read_text(encoding="utf-8"))
    assert not bad, f"{path.relative_to(ROOT)} reaches storage past the unit of work:\n" + "\n".join(bad)


@pytest.mark.parametrize(("source", "caught"), [
    ("from storage.review_repositories import ReviewRepo", True),
    ("from storage.repositories import BranchRepo, PersonRepo", True),
    ("import storage.supervision_repositories", True),
    ("async def f(uow):\n    return ReviewRepo(uow.session)", True),
    ("async def f(work: UnitOfWork):\n    await work.session.get(Person, 1)", True),
    ("async def f(m):\n    async with UnitOfWork(m) as alone:\n        alone.session.add(x)", True),
    ("class A:\n    def f(self):\n        return self.uow.session", True),
    ("from storage.supervision_repositories import EntryRow", False),
    ("from storage.uow import UnitOfWork, current_uow", False),
    ("from storage.review_models import Review", False),
    ("async def f(uow):\n    return await uow.reviews.latest(1)", False),
    ("def f(bot):\n    return bot.session.middleware", False),
])
def test_the_check_catches_what_it_should(source, caught):
    """The check itself can fail: a repository import or a session use planted in a module is caught (or not)."""
    assert bool(storage_bypasses(source)) is caught
