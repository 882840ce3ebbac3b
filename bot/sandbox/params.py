"""Bot API request parameters, read the way Telegram reads them, and Telegram-shaped errors.

aiogram posts multipart/form-data where scalars are plain strings and complex values
(reply_markup, allowed_updates, ...) are JSON strings; uploads are file parts referenced
as "attach://<part name>". Telegram also accepts JSON bodies, urlencoded forms and query
strings, so other clients (curl, scripts) work too.
"""

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters  # Telegram's ResponseParameters, e.g. {"retry_after": 5}


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass
class Upload:
    filename: str
    content: bytes


class Params:
    def __init__(self, values: dict[str, Any], files: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.files = files or {}

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def int(self, name: str, *, missing: str | None = None) -> int | None:
        """An integer parameter; `missing` is the Bad Request detail to raise if it is absent."""
        value = self.values.get(name)
        if value is None or value == "":
            if missing:
                raise bad_request(missing)
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1"}
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value  # already decoded (JSON request body) or absent
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def file(self, name: str) -> Upload | str | None:
        """An InputFile: an uploaded part (directly or via attach://) or a file_id string."""
        if name in self.files:
            return self.files[name]
        value = self.text(name)
        if value and value.startswith("attach://"):
            attached = self.files.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request(f"wrong HTTP URL specified: attached file {value!r} is missing")
            return attached
        return value or None


async def read_multipart(reader: MultipartReader) -> Params:
    values: dict[str, Any] = {}
    files: dict[str, Upload] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            files[part.name] = Upload(part.filename, bytes(await part.read()))
        else:
            values[part.name] = await part.text()
    return Params(values, files)


async def read_request(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    if request.content_type == "multipart/form-data":
        form = await read_multipart(await request.multipart())
        return Params(values | form.values, form.files)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("request body must be a JSON object")
        return Params(values | body)
    if request.can_read_body:
        values |= {key: str(value) for key, value in (await request.post()).items()}
    return Params(values)
