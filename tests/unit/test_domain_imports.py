"""The domain imports nothing of ours outside bot/domain, and no framework (docs: architecture.md, "Data flows one
way": handlers -> services -> domain). Every import in bot/domain/**/*.py is read with ast, relative ones resolved."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "bot" / "domain"
FORBIDDEN_TOP = {"handlers", "storage", "scheduling", "aiogram", "sqlalchemy", "alembic", "apscheduler"}


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module of `package`; `from . import x` gives package.x."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found += [(node.lineno, module)] if node.module else [(node.lineno, f"{module}.{a.name}")
                                                                   for a in node.names]
    return found


def forbidden(module: str) -> bool:
    parts = module.split(".")
    if parts[0] in FORBIDDEN_TOP:
        return True
    return parts[0] == "bot" and (len(parts) == 1 or parts[1] != "domain")


def domain_files() -> list[Path]:
    return sorted(DOMAIN.rglob("*.py"))


def test_the_walk_sees_the_domain():
    assert len(domain_files()) > 20 and DOMAIN / "review" / "assessment.py" in domain_files()


@pytest.mark.parametrize("path", domain_files(), ids=lambda path: str(path.relative_to(DOMAIN)))
def test_a_domain_module_imports_only_the_domain_and_no_framework(path):
    package = ".".join(path.relative_to(ROOT).parts[:-1])
    found = imported_modules(path.read_text(encoding="utf-8"), package)
    bad = [f"{path.relative_to(ROOT)}:{line}: {module}" for line, module in found if forbidden(module)]
    assert not bad, "the domain imports outside bot/domain:\n" + "\n".join(bad)


@pytest.mark.parametrize(("source", "caught"), [
    ("from bot.texts import plain", True), ("import bot.services.review", True), ("from bot import texts", True),
    ("from storage.models import Unit", True), ("import aiogram", True), ("from sqlalchemy import select", True),
    ("from handlers import setup", True), ("from scheduling.worker import run", True),
    ("from ... import texts", True), ("from ...services import review", True), ("from .. import dates", False),
    ("from bot.domain.review.levels import MemberLevel", False), ("from . import levels", False),
    ("from .rules import load_rule_set", False), ("import tomllib", False), ("from fractions import Fraction", False),
])
def test_the_check_catches_what_it_should(source, caught):
    """The check itself can fail: an import planted in a module of bot/domain/review is caught (or not)."""
    assert any(forbidden(module) for _, module in imported_modules(source, "bot.domain.review")) is caught
