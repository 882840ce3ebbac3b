"""`chibo plan extract FILE [--json]`."""

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from bot.cli import main
from tests.corpus import schedule_003
from tests.pages import converted, page_photos

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "ke_hoach_chi_bo_mau.txt"
ITEM_KEYS = {"text", "owner", "start", "due", "recurrence", "condition", "time_text", "line"}


def test_json() -> None:
    result = CliRunner().invoke(main, ["plan", "extract", str(SAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["plan"] == {
        "number": "07-KH/CB",
        "issuer": "CHI BỘ KHU PHỐ 3",
        "issued_on": "2022-02-14",
        "title": "Học tập nghị quyết và kiểm điểm giữa nhiệm kỳ của Chi bộ Khu phố 3 năm 2022",
    }
    first = data["items"][0]
    assert first.keys() >= ITEM_KEYS
    assert (first["line"], first["start"], first["due"], first["owner"]) == (20, "2022-03-01", "2022-04-30", "Chi ủy")
    assert "Chi ủy chuẩn bị tài liệu" in result.output  # not \u-escaped


def test_table() -> None:
    result = CliRunner().invoke(main, ["plan", "extract", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Kế hoạch số 07-KH/CB · CHI BỘ KHU PHỐ 3 · ngày 14/02/2022"
    header = next(line for line in lines if line.startswith("Dòng"))
    row = next(line for line in lines if line.startswith("26 "))
    assert row[header.index("Bắt đầu") :].startswith("02/05/2022")
    assert row[header.index("Hạn") :].startswith("06/05/2022")


def test_a_plan_without_dates(tmp_path: Path) -> None:
    path = tmp_path / "k.txt"
    path.write_text("KẾ HOẠCH\nSinh hoạt chi bộ\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", "extract", str(path)])
    assert result.exit_code == 0
    assert "Không tìm thấy mốc thời gian nào" in result.output


def test_an_unreadable_file_is_a_message_and_exit_code_1(tmp_path: Path) -> None:
    path = tmp_path / "anh.docx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    result = CliRunner().invoke(main, ["plan", "extract", str(path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Tệp .docx bị hỏng" in result.stderr


# --- every format the bot reads, through the same reader (bot.services.plan_files) -------------------------------

SCHEDULE_WINDOWS = [("2014-11-05", "2014-11-07"), ("2014-11-10", "2014-11-12"), ("2014-11-20", "2014-11-28"),
                    ("2014-12-01", "2014-12-03")]  # fmt: skip


def extracted(*paths: Path) -> dict:
    result = CliRunner().invoke(main, ["plan", "extract", *map(str, paths), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def windows(data: dict) -> list[tuple[str | None, str | None]]:
    return [(item["start"], item["due"]) for item in data["items"]]


def tasks(data: dict) -> list[tuple[str, str | None, str | None]]:
    return [(item["text"], item["start"], item["due"]) for item in data["items"]]


@pytest.fixture(scope="module")
def schedule() -> list[str]:
    return schedule_003()


def test_several_photos_of_pages_are_one_plan_read_in_the_order_given(tmp_path: Path, schedule: list[str]) -> None:
    photos = page_photos(schedule)
    assert len(photos) == 2
    paths = [tmp_path / "trang-1.jpg", tmp_path / "trang-2.jpg"]
    for path, photo in zip(paths, photos, strict=True):
        path.write_bytes(photo)
    result = CliRunner().invoke(main, ["plan", "extract", *map(str, paths), "--json"])
    assert result.exit_code == 0, result.output
    assert "⏳ Đang đọc trang 1/2…" in result.stderr and "⏳ Đang đọc trang 2/2…" in result.stderr
    data = json.loads(result.stdout)
    assert data["plan"]["number"] == "146-KH/ĐU" and data["plan"]["issued_on"] == "2014-11-04"
    found = windows(data)
    assert all(window in found for window in SCHEDULE_WINDOWS)  # both pages, the second after the first
    assert [w for w in found if w in SCHEDULE_WINDOWS] == sorted(w for w in found if w in SCHEDULE_WINDOWS)
    assert any(text.startswith("Bí thư chi bộ tổ chức họp chi bộ") and (start, due) == SCHEDULE_WINDOWS[2]
               for text, start, due in tasks(data))


def test_a_scanned_pdf_is_read_with_ocr(tmp_path: Path, schedule: list[str]) -> None:
    first = Image.open(io.BytesIO(page_photos(schedule)[0]))
    path = tmp_path / "ban-scan.pdf"
    first.save(path, "PDF", resolution=150)  # an image in a PDF: no text layer
    data = extracted(path)
    assert data["plan"]["number"] == "146-KH/ĐU"
    assert SCHEDULE_WINDOWS[0] in windows(data)


def test_a_pdf_with_text_and_a_doc_give_what_the_text_gives(tmp_path: Path, schedule: list[str]) -> None:
    text = "\n".join(schedule)
    plain_text = tmp_path / "ke-hoach.txt"
    plain_text.write_text(text, encoding="utf-8")
    expected = tasks(extracted(plain_text))
    assert len(expected) >= 10
    for kind in ("pdf", "doc"):
        path = tmp_path / f"ke-hoach.{kind}"
        path.write_bytes(converted(text, kind))
        data = extracted(path)
        assert data["plan"]["number"] == "146-KH/ĐU"
        # Every task of the text with its window; a PDF may join two paragraphs when the first fills its line.
        got = tasks(data)
        assert all(any(text in other and (start, due) == (s, d) for other, s, d in got)
                   for text, start, due in expected), (kind, got)
        assert len(got) >= len(expected) - 1


def test_several_files_that_are_not_all_pages_are_refused_whole(tmp_path: Path) -> None:
    photo, plan = tmp_path / "trang.jpg", tmp_path / "ke-hoach.txt"
    photo.write_bytes(page_photos(["Chi bộ họp trong tháng 4/2026."])[0])
    plan.write_text("KẾ HOẠCH\n- Chi bộ họp trong tháng 4/2026.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", "extract", str(photo), str(plan), "--json"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "Nhiều tệp (2) chỉ đọc được thành một kế hoạch khi tất cả là ảnh chụp các trang" in result.stderr
