"""A branch of 150 members, as a large ward branch has: every list stays within Telegram's message limit."""

from tests.e2e.chat import buttons
from tests.e2e.test_onboarding import SECRETARY, create_branch, paste

GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga", "Oanh", "Phúc", "Quang",
         "Sơn", "Tâm"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
NAMES = [f"{family} Văn {given}" for family in FAMILY for given in GIVEN]  # 150 distinct names


def rows(names: list[str]) -> str:
    """As copied from the branch's spreadsheet: a header row, an STT column, tabs between the cells."""
    header = "STT\tHọ và tên\tTình trạng\tNgày vào Đảng"
    return "\n".join([header, *(f"{n}\t{name}\tchính thức\t01/02/2010" for n, name in enumerate(names, 1))])


async def test_a_roster_of_150_pages_within_the_limit_and_every_member_can_be_opened(tg):
    await create_branch(tg)
    assert "Đã thêm 100 đảng viên" in await paste(tg, rows(NAMES[:100]))
    assert "Đã thêm 50 đảng viên" in await paste(tg, rows(NAMES[100:]))

    await tg.send(SECRETARY, "/doanvien")
    first = (await tg.messages(SECRETARY))[-1]
    assert "Đảng viên: 151 (151 chính thức, 0 dự bị)" in first["text"]
    assert len(first["text"]) <= 4096 and "Trang 1/8" in first["text"]
    shown = [name for name in NAMES if name in first["text"]]
    assert len(shown) == 19  # the page's 20 entries: the secretary and 19 members

    seen = set(shown)
    for page in range(2, 9):
        await tg.click_button(SECRETARY, "Sau ▶️")
        text = await tg.last_text(SECRETARY)
        assert len(text) <= 4096 and f"Trang {page}/8" in text
        on_page = {name for name in NAMES if f". {name} —" in text}
        assert on_page and not on_page & seen
        seen |= on_page
    assert seen == set(NAMES)
    last = (await tg.messages(SECRETARY))[-1]
    assert "151. " in last["text"]
    member = next(b for b in buttons(last) if "Văn Tâm" in b)
    await tg.click_button(SECRETARY, member)
    assert member.removeprefix("○ ") in await tg.last_text(SECRETARY)
