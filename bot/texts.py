"""Every text a user sees comes from a Jinja2 macro in templates/messages/<file>.j2."""

import html
from functools import cache
from pathlib import Path

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined

from bot.domain.dates import format_date

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "messages"
DOCUMENTS = TEMPLATES.parent / "demo"


def _compiled_kept() -> BytecodeCache | None:
    """Compiled templates kept between processes, in the user's temporary folder (Jinja's choice, keyed by each
    template's source): compiling the 20 message files takes ~1 s of CPU, which the first answers after every
    start would pay; loading them compiled, ~35 ms. None where no private folder can be made there."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # messages go out with parse_mode=HTML; user-typed names must not become markup
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        auto_reload=False,  # the templates ship with the code: no file is checked again at each render
        bytecode_cache=_compiled_kept(),
    )
    env.filters["vndate"] = format_date
    return env


@cache
def _macros(file: str) -> object:
    """The macros of templates/messages/<file>.j2, loaded once."""
    return _environment().get_template(f"{file}.j2").module


def render(file: str, macro: str, /, **context: object) -> str:
    """The HTML text of macro `macro` in templates/messages/<file>.j2."""
    return str(getattr(_macros(file), macro)(**context)).strip()


def plain(file: str, macro: str, /, **context: object) -> str:
    """Plain text for places Telegram does not parse HTML: buttons, the command menu."""
    return html.unescape(render(file, macro, **context))


def label(macro: str, /, **context: object) -> str:
    """A button label from buttons.j2."""
    return plain("buttons", macro, **context)


def labels(macro: str, /, **context: object) -> list[str]:
    """A list's button labels from one macro of buttons.j2 that writes one a line: one render for all of them."""
    text = label(macro, **context)
    return text.split("\n") if text else []


@cache
def _documents() -> Environment:
    env = Environment(loader=FileSystemLoader(DOCUMENTS), undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["d"] = format_date
    return env


def render_document(name: str, /, **context: object) -> str:
    """A plain-text document written for the project (the demo plan), from templates/demo/."""
    return _documents().get_template(name).render(**context)
