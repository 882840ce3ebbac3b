"""Loading the review's data files (rule sets, procedures): one TOML file per key under templates/, validated.

Both kinds fail the same way: an error naming the file and the field, raised by the kind's own error class.
"""

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class DataFileError(ValueError):
    """A data file that cannot be used: which file, which field, what is wrong."""

    def __init__(self, file: str, field: str, message: str):
        super().__init__(f"{file}: {field}: {message}")
        self.file = file
        self.field = field
        self.message = message


class Keyed(Protocol):
    key: str


T = TypeVar("T", bound=Keyed)
ErrorFactory = Callable[[str, str, str], Exception]  # (file, field, message)
Parser = Callable[..., T]  # parse(data, file=...)


def load_file(path: Path, error: ErrorFactory, parse: Parser) -> T:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as problem:
        raise error(path.name, "(toml)", str(problem)) from None
    return parse(data, file=path.name)


def load_keyed(folder: Path, key: str, what: str, error: ErrorFactory, parse: Parser) -> T:
    """The file `<key>.toml` in `folder`, whose own `key` must match its name."""
    path = folder / f"{key}.toml"
    if not KEY.match(key) or not path.is_file():
        raise error(f"{key}.toml", "key", f"no {what} {key!r} in templates/{folder.name}/")
    loaded = load_file(path, error, parse)
    if loaded.key != key:
        raise error(path.name, "key", f"{loaded.key!r} does not match the file name")
    return loaded
