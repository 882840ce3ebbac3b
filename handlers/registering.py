"""Registering handlers with filters that are checked on the event loop.

aiogram runs every filter that is not a coroutine function (a magic filter such as `F.text`, a `State`) in a
worker thread (`asyncio.to_thread` in CallableObject.call): one thread hand-off for each handler it tries, some
thirty per update on its way down the routers. These checks read an attribute or two, so chibo registers them as
coroutine filters that aiogram awaits in place.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from aiogram import Router
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.state import State
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class Magic(Filter):
    """A magic filter resolved on the event as aiogram resolves it (a dict it yields goes to the handler)."""

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)


def on_loop(check: Any) -> Any:
    """The filter as one aiogram awaits: magic filters and states wrapped, the rest as they are."""
    if isinstance(check, MagicFilter):
        return Magic(check)
    if isinstance(check, State):
        return StateFilter(check)
    return check


def _registrar(observer: TelegramEventObserver) -> Callable[..., Any]:
    def register(handler: Callable[..., Any], *filters: Any, **kwargs: Any) -> Any:
        return observer.register(handler, *map(on_loop, filters), **kwargs)
    return register


class Registrars(NamedTuple):
    message: Callable[..., Any]
    button: Callable[..., Any]


def registrars(router: Router) -> Registrars:
    """`router.message.register` and `router.callback_query.register`, their filters checked on the loop."""
    return Registrars(_registrar(router.message), _registrar(router.callback_query))
