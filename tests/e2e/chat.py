"""Small readers of what the sandbox shows, shared by the end-to-end tests."""

import socket


def buttons(message: dict) -> dict[str, str]:
    """A message's inline buttons: text → callback data (or url)."""
    return {b["text"]: b.get("data") or b.get("url") for row in message["buttons"] for b in row}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
