import pytest

from storage.db import create_sessionmaker
from storage.uow import UnitOfWork
from tests import replan_guard
from tests.databases import (
    BACKENDS,
    CLUSTER,
    REDIS_DATABASES,
    WITH_REDIS,
    MigratedPostgres,
    MigratedSqlite,
    database_url,
    ready_engine,
)


@pytest.hookimpl(wrapper=True, optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker per core, at most one per Redis database (each worker flushes its own)."""
    return min((yield), REDIS_DATABASES)


# The modules with tests of 10 s and more, run first: under -n a long test drawn last keeps one worker busy alone.
STARTS_FIRST = ("tests/e2e/test_restarts.py", "tests/handler/test_big_branch.py", "tests/unit/test_review_papers.py",
                "tests/acceptance/test_ocr_fidelity.py", "tests/e2e/test_run_restarted.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    first = {name: n for n, name in enumerate(STARTS_FIRST)}
    items.sort(key=lambda item: first.get(item.nodeid.split("::")[0], len(first)))  # stable: the rest as collected


def pytest_sessionfinish(session, exitstatus) -> None:
    MigratedPostgres.drop()
    MigratedSqlite.drop()


@pytest.fixture(autouse=True)
def replans_asked_for():
    """Every change to a branch's tasks or memberships made in this process asked for its re-plan."""
    replan_guard.missed.clear()
    yield
    assert not replan_guard.missed, replan_guard.missed


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Database tests run on each backend; those talking to the bot (`tg`) once more with the dialogs in Redis:
    end-to-end against the cluster, handler tests in process."""
    if "db_url" in metafunc.fixturenames:
        backends = BACKENDS
        if "tg" in metafunc.fixturenames:
            backends = [*BACKENDS, CLUSTER if "e2e" in metafunc.definition.path.parts else WITH_REDIS]
        metafunc.parametrize("db_url", backends, indirect=True)


@pytest.fixture
def db_url(request, tmp_path) -> str:
    return database_url(request.param, tmp_path)


@pytest.fixture
async def engine(db_url):
    engine = await ready_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine):
    return create_sessionmaker(engine)


@pytest.fixture
def uow_factory(sessionmaker):
    return lambda: UnitOfWork(sessionmaker)
