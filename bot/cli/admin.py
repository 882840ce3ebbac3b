"""`chibo admin`: the superior unit's office from the command line — units and their administrators, branches
created with their secretary's invitation link, supervisors linked to branches, and a listing."""

import asyncio
import json
import sys
from datetime import timedelta

import click

from bot.services.errors import ServiceError
from bot.texts import plain

UNIT_HELP = "The unit's id or exact name (see `chibo admin list`)."
ACCOUNT_HELP = ("the number the bot's /toi shows the person: a Telegram user id, or the number of a Zalo user who "
                "has written to the bot")


def _run(action):
    """Runs `action(uow, now, settings)` on a migrated database; a refused request prints one line, exit 1."""
    from bot.app import utc_now
    from bot.cli import _with_engine, load_settings
    from storage.db import create_sessionmaker
    from storage.migrate import upgrade
    from storage.uow import UnitOfWork

    settings = load_settings()

    async def run(engine):
        await upgrade(engine)
        async with UnitOfWork(create_sessionmaker(engine)) as uow:
            return await action(uow, utc_now(), settings)

    try:
        return asyncio.run(_with_engine(run))
    except ServiceError as error:
        click.echo(f"chibo admin: {plain('errors', 'error', code=error.code, params=error.params)}", err=True)
        sys.exit(1)
    except ValueError as error:  # a name that is not a name
        click.echo(f"chibo admin: {error}", err=True)
        sys.exit(1)


def _invitation(what: str, bot_username: str | None, invite) -> str:
    """The link to open on Telegram and, for Zalo (no links that start the bot), the code to send it."""
    from bot.sandbox.state import BOT_USERNAME

    return (f"{what} (one use, until {invite.expires_at:%d/%m/%Y}): "
            f"https://t.me/{bot_username or BOT_USERNAME}?start={invite.token}\n"
            f"  on Zalo: send the code {invite.token} to the bot")


def _account(chat_id: int) -> str:
    from bot.channels.ids import is_zalo

    return f"Zalo user {chat_id}" if is_zalo(chat_id) else f"Telegram user {chat_id}"


def _username_option(command):
    return click.option("--bot-username", default=None,
                        help="The bot's @username for the link (default: the sandbox bot, chibo_sandbox_bot).")(command)


@click.group(help="The superior unit's office: units, branches and their secretaries, supervisors.")
def admin() -> None:
    pass


@admin.command("add-unit", help="Create a superior unit (đảng ủy cơ sở) named NAME, or find it; optionally make "
                                "someone its administrator (who then uses /donvi and /tinhhinh in the bot).")
@click.argument("name")
@click.option("--admin-id", "--admin-telegram-id", "admin_id", type=int, default=None,
              help=f"The administrator's account: {ACCOUNT_HELP}.")
@click.option("--admin-name", default=None, help="The administrator's full name, when new to the bot.")
def add_unit(name: str, admin_id: int | None, admin_name: str | None) -> None:
    from bot.services import supervision_admin

    async def action(uow, now, settings):
        unit, created = await supervision_admin.add_unit(uow, name, now)
        person = None
        if admin_id is not None:
            person = await supervision_admin.add_admin(uow, unit, admin_id, admin_name, now)
        return unit.id, unit.name, created, person.full_name if person else None

    unit_id, unit_name, created, admin_person = _run(action)
    click.echo(f"unit {unit_id}: {unit_name} — {'created' if created else 'already there'}")
    if admin_person:
        click.echo(f"  administrator: {admin_person} ({_account(admin_id)})")


@admin.command("add-branch", help="Create branch NAME under UNIT and print its secretary's one-time invitation link "
                                  "(whoever opens it becomes the branch's secretary).")
@click.argument("unit")
@click.argument("name")
@_username_option
def add_branch(unit: str, name: str, bot_username: str | None) -> None:
    from bot.services import supervision_admin

    async def action(uow, now, settings):
        found = await supervision_admin.find_unit(uow, unit)
        return await supervision_admin.create_branch(uow, found, name, now, timedelta(days=settings.invite_ttl_days))

    created = _run(action)
    click.echo(f"branch {created.branch_id}: {created.branch_name} ({created.unit_name})")
    click.echo(_invitation("secretary's link", bot_username, created.invite))


@admin.command("invite-secretary", help="A new secretary's link for BRANCH_ID, a unit's branch with no secretary "
                                        "yet (when the first link was lost or expired).")
@click.argument("branch_id", type=int)
@_username_option
def invite_secretary(branch_id: int, bot_username: str | None) -> None:
    from bot.services import supervision_admin

    async def action(uow, now, settings):
        return await supervision_admin.secretary_invitation(uow, branch_id, now,
                                                            timedelta(days=settings.invite_ttl_days))

    issued = _run(action)
    click.echo(_invitation(f"secretary's link for {issued.branch_name}", bot_username, issued.invite))


@admin.command("link-supervisor", help="Make the person at ACCOUNT the supervisor (read-only) of the branches "
                                       f"BRANCH_ID… and/or of every branch of a unit. ACCOUNT: {ACCOUNT_HELP}.")
@click.argument("account", type=int)
@click.argument("branch_ids", type=int, nargs=-1)
@click.option("--unit", default=None, help=f"Every branch of this unit. {UNIT_HELP}")
@click.option("--name", default=None, help="The supervisor's full name, when new to the bot.")
def link_supervisor(account: int, branch_ids: tuple[int, ...], unit: str | None, name: str | None) -> None:
    from bot.services import supervision_admin

    if not branch_ids and unit is None:
        raise click.UsageError("give BRANCH_ID… or --unit")

    async def action(uow, now, settings):
        ids = list(branch_ids)
        if unit is not None:
            found = await supervision_admin.find_unit(uow, unit)
            ids += [b.id for b in await uow.supervision.unit_branches(found.id) if b.id not in ids]
        person = await supervision_admin.person_by_chat(uow, account, name, now)
        return person.full_name, await supervision_admin.link_supervisor(uow, person, ids, now)

    person_name, names = _run(action)
    click.echo(f"{person_name} ({_account(account)}) supervises {len(names)} branch(es):")
    for branch_name in names:
        click.echo(f"  {branch_name}")


@admin.command("list", help="Every unit with its administrators and branches: secretary, supervisors.")
@click.option("--json", "as_json", is_flag=True, help="Print it as JSON.")
def list_units(as_json: bool) -> None:
    from dataclasses import asdict

    from bot.services import rule_options, supervision_admin

    async def action(uow, now, settings):
        units = await supervision_admin.listing(uow)
        options = {u.id: await rule_options.unit_options(uow, u) for u in await uow.supervision.units()}
        return units, options

    units, options = _run(action)
    if as_json:
        click.echo(json.dumps([{**asdict(u), "options": {
            f"{r.rule_set}.{o.key}": {"value": o.value, "set": o.key in r.set_here, "choices": list(o.choices)}
            for r in options[u.unit_id] for o in r.options}} for u in units], ensure_ascii=False))
        return
    if not units:
        click.echo("no units yet: `chibo admin add-unit NAME`")
    for u in units:
        click.echo(f"unit {u.unit_id}: {u.name}" + (f" — administrators: {', '.join(u.admins)}" if u.admins else ""))
        for b in u.branches:
            secretary = (f"secretary {b.secretary}" + ("" if b.secretary_linked else " (not in the bot)")
                         if b.secretary else "no secretary yet")
            supervisors = f"; supervisors: {', '.join(b.supervisors)}" if b.supervisors else ""
            click.echo(f"  branch {b.branch_id}: {b.name} — {secretary}{supervisors}")
        for r in options[u.unit_id]:
            for o in r.options:
                where = "set by the unit" if o.key in r.set_here else "default"
                click.echo(f"  option {r.rule_set} {o.key} = {o.value} ({where}; choices: {', '.join(o.choices)})")


@admin.command("set-option", help="Set the rule set's named option KEY to VALUE for every branch of UNIT (the "
                                  "choices and the sentence each option comes from: templates/rules/*.toml, "
                                  "`chibo admin list`).")
@click.argument("unit")
@click.argument("key")
@click.argument("value")
@click.option("--rule-set", default="qd366_2025", show_default=True, help="The rule set the option belongs to.")
def set_option(unit: str, key: str, value: str, rule_set: str) -> None:
    from bot.services import rule_options, supervision_admin

    async def action(uow, now, settings):
        found = await supervision_admin.find_unit(uow, unit)
        return found.name, await rule_options.set_option(uow, found, rule_set, key, value, now)

    unit_name, option = _run(action)
    click.echo(f"{unit_name}: {rule_set} {option.key} = {option.value}")


def _person_ref(ref: int, by_account: bool):
    """The privacy service's target for the operator: a person id, or the person at an account number."""
    from bot.services.errors import NotFound
    from bot.services.identity import person_at

    async def resolve(uow) -> int:
        if not by_account:
            return ref
        person = await person_at(uow, ref)
        if person is None:
            raise NotFound("privacy_person_not_found", account=ref)
        return person.id

    return resolve


_account_option = click.option("--account", "--telegram", "by_account", is_flag=True,
                               help=f"PERSON_ID is an account rather than chibo's person id: {ACCOUNT_HELP}.")


@admin.command("export-person", help="Write everything stored about person PERSON_ID (chibo's person id, as in "
                                     "the audit log; or an account with --account) as one UTF-8 JSON "
                                     "document, to FILE or to standard output.")
@click.argument("person_id", type=int)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="The file to write (default: standard output).")
@_account_option
def export_person(person_id: int, out: str | None, by_account: bool) -> None:
    from bot.services import privacy

    resolve = _person_ref(person_id, by_account)

    async def action(uow, now, settings):
        return await privacy.export_data(uow, privacy.OPERATOR, now, person_id=await resolve(uow))

    found = _run(action)
    if out is None:
        click.echo(found.content.decode())
        return
    with open(out, "wb") as file:
        file.write(found.content)
    click.echo(f"person {found.person_id}: {found.full_name} — {len(found.content)} bytes written to {out}", err=True)


@admin.command("delete-person", help="Erase the personal data of person PERSON_ID, keeping the branch's counts "
                                     "(see README, Privacy). Refused for a branch's only secretary. Cannot be undone.")
@click.argument("person_id", type=int)
@click.option("--yes", is_flag=True, help="Confirm: the erasure cannot be undone.")
@_account_option
def delete_person(person_id: int, yes: bool, by_account: bool) -> None:
    from bot.services import privacy

    if not yes:
        raise click.UsageError("erasing cannot be undone: add --yes to confirm")
    resolve = _person_ref(person_id, by_account)

    async def action(uow, now, settings):
        return await privacy.erase(uow, privacy.OPERATOR, now, person_id=await resolve(uow))

    done = _run(action)
    feedback = done.feedback_given_erased + done.feedback_about_erased
    click.echo(f"person {done.person_id} erased: now «{done.placeholder}»; roster entries kept: "
               f"{done.memberships_kept}")
    click.echo(f"  dropped: {done.reminders_dropped} reminder(s), {done.invitations_dropped} unused invitation(s), "
               f"{len(done.roles_dropped)} supervision role(s)")
    click.echo(f"  erased: {done.self_reviews_erased} self-review(s), {done.comments_erased} comment(s), "
               f"{feedback} feedback text(s); the name removed from {done.audit_entries_scrubbed} audit entries")
