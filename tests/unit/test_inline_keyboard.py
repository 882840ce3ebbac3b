"""handlers.inline_keyboard.Keyboard lays buttons out as aiogram's InlineKeyboardBuilder does, callback data packed."""

import pytest
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.callbacks import Go, Nav
from handlers.inline_keyboard import Keyboard


def _both(count: int, *sizes: int, more: int = 0):
    ours, theirs = Keyboard(), InlineKeyboardBuilder()
    for kb in (ours, theirs):
        for n in range(count):
            kb.button(text=f"Nút {n}", callback_data=f"b:{n}")
        if sizes:
            kb.adjust(*sizes)
        for n in range(more):  # buttons added after a layout go on its last row while it has room
            kb.button(text=f"Thêm {n}", callback_data=f"m:{n}")
    return ours.as_markup(), theirs.as_markup()


@pytest.mark.parametrize(("count", "sizes", "more"), [
    (0, (), 0), (1, (), 0), (8, (), 0), (9, (), 0), (30, (5,), 0), (7, (2,), 0), (6, (1, 2), 0),
    (10, (3, 2, 1, 1, 1), 0), (4, (2, 3, 2), 0), (5, (1,), 3), (17, (2,), 9),
])
def test_the_rows_are_aiograms(count, sizes, more):
    ours, theirs = _both(count, *sizes, more=more)
    assert ours == theirs
    assert sum(len(row) for row in ours.inline_keyboard) == count + more


def test_callback_data_is_packed_and_texts_kept():
    kb = Keyboard()
    kb.button(text="➕ Thêm đảng viên", callback_data=Nav(to=Go.ADD_MEMBER))
    [[button]] = kb.as_markup().inline_keyboard
    assert (button.text, button.callback_data) == ("➕ Thêm đảng viên", Nav(to=Go.ADD_MEMBER).pack())
    assert list(kb.buttons) == [button]


@pytest.mark.parametrize("size", [0, 9, -1])
def test_a_row_size_telegram_does_not_take_is_refused(size):
    kb = Keyboard().button(text="A", callback_data="a")
    with pytest.raises(ValueError, match="row sizes"):
        kb.adjust(size)
