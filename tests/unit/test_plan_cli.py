"""`chibo plan extract FILE [--json]`."""

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main

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
