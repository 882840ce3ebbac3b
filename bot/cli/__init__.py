"""The `chibo` command line: one click group, one module per command family."""

import asyncio
import contextlib
import errno
import json
import logging
import sys
from collections.abc import Callable

import click
from pydantic import ValidationError

from bot.cli.admin import admin
from bot.cli.plan import plan
from bot.cli.rules import rules
from bot.config import Settings, describe_error

EXIT_BAD_SETTING = 2


def load_settings() -> Settings:
    """Settings, or one clear line on stderr and exit code 2."""
    try:
        return Settings()
    except ValidationError as error:
        click.echo(describe_error(error), err=True)
        sys.exit(EXIT_BAD_SETTING)


@contextlib.contextmanager
def port_in_use_is_a_bad_setting():
    try:
        yield
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        click.echo(f"chibo: bad setting: {error.strerror} — choose another CHIBO_SANDBOX_PORT or "
                   "CHIBO_WEBHOOK_PORT", err=True)
        sys.exit(EXIT_BAD_SETTING)


@click.group(help="chibo — trợ lý chi bộ (Telegram assistant for branch secretaries).")
def main() -> None:
    pass


@main.command(help="Run the bot: long polling, or webhook when CHIBO_WEBHOOK_URL is set. "
                   "Without CHIBO_BOT_TOKEN it runs against the local sandbox and prints the page's address.")
def run() -> None:
    settings = load_settings()  # before the bot's imports: a bad setting is told at once, not ~4 s later
    from bot.runner import run as run_bot

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt), asyncio.Runner(loop_factory=event_loop()) as runner:
        runner.run(run_bot(settings))


def event_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it exists (not on Windows): its loop and transports are C, which halves the loop's own share of
    an update's CPU (bench_load); asyncio's otherwise."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


@main.command(help="Serve only the sandbox (a local stand-in for the Telegram Bot API and a web chat page).")
@click.option("--host", default=None, help="Address to listen on (default CHIBO_SANDBOX_HOST, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default CHIBO_SANDBOX_PORT, 8080).")
def sandbox(host: str | None, port: int | None) -> None:
    from bot.sandbox.server import run_sandbox

    settings = load_settings()
    logging.basicConfig(level=logging.INFO)
    with port_in_use_is_a_bad_setting():
        run_sandbox(host or settings.sandbox_host, settings.sandbox_port if port is None else port)


@main.group(help="Database maintenance.")
def db() -> None:
    pass


async def _with_engine(action):
    from storage.db import create_engine

    engine = create_engine(load_settings().database_url)
    try:
        return await action(engine)
    finally:
        await engine.dispose()


@db.command(help="Apply every Alembic migration up to the newest (start-up does this too).")
def upgrade() -> None:
    from storage.migrate import upgrade as upgrade_db

    asyncio.run(_with_engine(upgrade_db))
    click.echo("database is at the newest revision")


@db.command(help="Step the schema back to REVISION (e.g. 'base' or '-1').")
@click.argument("revision")
def downgrade(revision: str) -> None:
    from storage.migrate import downgrade as downgrade_db

    asyncio.run(_with_engine(lambda engine: downgrade_db(engine, revision)))
    click.echo(f"database downgraded to {revision}")


def _report_rows(rows: dict[str, int]) -> None:
    for name, count in rows.items():
        click.echo(f"  {name}: {count}")


@db.command(help="Write a consistent backup while the bot runs: SQLite through its online backup API (checked with "
                 "PRAGMA integrity_check), PostgreSQL through pg_dump of one snapshot (custom format). Prints the "
                 "file, its size and the rows of each table as of the snapshot.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write it (default: chibo-backup-<UTC time>.sqlite3 or .dump here). Never overwritten.")
def backup(out: str | None) -> None:
    from pathlib import Path

    from storage import backup as backups

    url = load_settings().database_url
    path = Path(out) if out else backups.default_path(url)
    try:
        made = asyncio.run(_with_engine(lambda engine: backups.backup(engine, url, path)))
    except backups.BackupError as error:
        click.echo(f"chibo db backup: {error}", err=True)
        sys.exit(1)
    click.echo(f"backup written: {made.path} — {made.size:,} bytes, {len(made.rows)} tables, {made.total_rows:,} rows, "
               f"{made.seconds:.2f} s; integrity: {made.integrity}")
    _report_rows(made.rows)


@db.command(help="Replace the database's contents with BACKUP_FILE from `chibo db backup` (stop the bot first). "
                 "PostgreSQL: pg_restore in one transaction; SQLite: the backup API over the database file.")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Confirm: the database's current contents are replaced.")
def restore(backup_file: str, yes: bool) -> None:
    from pathlib import Path

    from storage import backup as backups

    if not yes:
        raise click.UsageError("restoring replaces the database's contents: stop the bot, then add --yes")
    url = load_settings().database_url
    try:
        rows = asyncio.run(_with_engine(lambda engine: backups.restore(engine, url, Path(backup_file))))
    except backups.BackupError as error:
        click.echo(f"chibo db restore: {error}", err=True)
        sys.exit(1)
    click.echo(f"restored {backup_file}: {len(rows)} tables, {sum(rows.values()):,} rows")
    _report_rows(rows)


@main.command(help="Load the demo branch (12 members linked to sandbox users, a supervisor) and print who is who.")
@click.option("--json", "as_json", is_flag=True, help="Print the sandbox user ids as JSON.")
@click.option("--branches", type=click.IntRange(0, 100_000), default=0,
              help="Also add this many branches (no review begun) under the demo's unit and supervisor, for a trial.")
def demo(as_json: bool, branches: int) -> None:
    from bot.app import utc_now
    from bot.services.demo import DEMO_SUPERIOR, SUPERVISOR, load_demo, queue_demo_reminders
    from bot.services.demo_trial import add_trial_branches
    from storage.db import create_sessionmaker
    from storage.migrate import upgrade as upgrade_db
    from storage.uow import UnitOfWork

    settings = load_settings()

    async def action(engine):
        await upgrade_db(engine)
        async with UnitOfWork(create_sessionmaker(engine)) as uow:
            people = await load_demo(uow, utc_now(), settings.tz)
        if branches:
            async with UnitOfWork(create_sessionmaker(engine)) as uow:
                trial = await add_trial_branches(uow, branches, DEMO_SUPERIOR, SUPERVISOR[0], utc_now())
            click.echo(f"{branches:,} trial branches added under {DEMO_SUPERIOR}, supervised by user {SUPERVISOR[0]} "
                       f"({trial:,} in all)", err=as_json)
        async with UnitOfWork(create_sessionmaker(engine)) as uow:
            return people, await queue_demo_reminders(uow, utc_now(), settings)

    people, digests = asyncio.run(_with_engine(action))
    if as_json:
        click.echo(json.dumps({"branch": people.branch, "secretary": people.secretary, "deputy": people.deputy,
                               "members": people.members, "supervisor": people.supervisor},
                              ensure_ascii=False))
        return
    click.echo(f"{people.branch} — {'created' if people.created else 'already loaded'}")
    for m in people.roster:
        flags = ", ".join(f for f, on in (("exempt", m.exempt), ("suspended", m.suspended)) if on)
        click.echo(f"  user {m.user_id}: {m.full_name} — {m.role}, {m.status}{', ' + flags if flags else ''}")
    click.echo(f"  user {people.supervisor}: {people.supervisor_name} — supervisor")
    if digests:
        at = max(digests).astimezone(settings.tz).strftime("%H:%M")
        click.echo(f"Reminders: this month's digest is queued for users {people.secretary} and {people.deputy} "
                   f"at {at}; it arrives while `uv run chibo run` runs, and /nhacviec lists the next ones.")
    click.echo("Talk to the bot as any of them in the sandbox page (`uv run chibo run`): as the secretary try")
    click.echo("/buoc (this year's review, halfway through collecting), /thangnay, /doanvien; as a member /tukiemdiem.")


main.add_command(plan)
main.add_command(admin)
main.add_command(rules)
