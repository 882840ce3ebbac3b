"""`chibo plan …`: work with plan documents (Kế hoạch) from the command line."""

import asyncio
import json
import sys
from datetime import date
from pathlib import Path

import click

from bot.domain.plans import Item, Plan, extract_plan
from bot.domain.plans.readers import PlanReadError
from bot.texts import plain

_RECURRENCE_VI = {
    "continuous": "thường xuyên",
    "yearly": "hằng năm",
    "semiannual": "6 tháng/lần",
    "quarterly": "hằng quý",
    "monthly": "hằng tháng",
}
_OWNER_WIDTH = 28
_TIME_WIDTH = 36
_TEXT_WIDTH = 60


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _plan_json(plan: Plan) -> dict[str, object]:
    h = plan.header
    return {
        "plan": {"number": h.number, "issuer": h.issuer, "issued_on": _iso(h.issued_on), "title": h.title},
        "items": [item.to_json() for item in plan.items],
    }


def _clip(text: str | None, width: int) -> str:
    text = text or "—"
    return text if len(text) <= width else text[: width - 1] + "…"


def _dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def _row(item: Item) -> list[str]:
    return [
        str(item.line),
        _dmy(item.start),
        _dmy(item.due),
        _RECURRENCE_VI.get(item.recurrence or "", "—"),
        _clip(item.owner, _OWNER_WIDTH),
        _clip(item.time_text, _TIME_WIDTH),
        _clip(item.text, _TEXT_WIDTH),
    ]


def _table(plan: Plan) -> str:
    h = plan.header
    lines = [
        f"Kế hoạch số {h.number or '—'} · {h.issuer or '—'} · ngày {_dmy(h.issued_on)}",
        h.title or "—",
        "",
    ]
    if not plan.items:
        return "\n".join([*lines, "Không tìm thấy mốc thời gian nào trong kế hoạch."])
    rows = [["Dòng", "Bắt đầu", "Hạn", "Lặp lại", "Đơn vị", "Thời gian", "Nội dung"]]
    rows += [_row(item) for item in plan.items]
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


@click.group(help="Read plan documents (Kế hoạch).")
def plan() -> None:
    pass


async def _progress(page: int, pages: int) -> None:
    click.echo(plain("plans", "reading_page", page=page, pages=pages), err=True)


@plan.command(help="Extract the header and dated items of a plan: a .docx, .pdf (with text or scanned), .doc or "
                   "UTF-8 text file, or one or more photos of its pages, in order — read as the bot reads them.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def extract(files: tuple[Path, ...], as_json: bool) -> None:
    from bot.services import plan_files  # pypdfium2 and Pillow load only when a plan is read

    try:
        found = asyncio.run(plan_files.read_paths(files, _progress))
    except PlanReadError as error:
        click.echo(plain("plans", "read_problem", code=error.code, params=error.params), err=True)
        sys.exit(1)
    result = extract_plan(found.lines)
    if as_json:
        click.echo(json.dumps(_plan_json(result), ensure_ascii=False, indent=2))
    else:
        click.echo(_table(result))
