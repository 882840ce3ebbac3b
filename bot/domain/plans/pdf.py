"""A PDF's text layer → the plan's lines, page by page, with pdfplumber.

pdfplumber (on pdfminer.six) gives every character with its position, so lines come out in reading
order and tables can be found from their ruling: a table row becomes one line of its cells joined as the
.docx reader joins them (`1 | Nội dung | Tháng 3/2022 | Chi ủy`), so a task stays with its time and owner.
Paragraphs wrapped over printed lines are joined again (layout.unwrap). A page without a text layer (a
scan) comes back as None: the services read it with OCR.
"""

import io
from dataclasses import dataclass

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from bot.domain.plans.layout import PrintedLine, unwrap
from bot.domain.plans.readers import PlanReadError
from bot.domain.plans.structure import CELL_SEPARATOR
from bot.domain.plans.vietnamese import nfc

PDF_MAGIC = b"%PDF"
MAX_PDF_PAGES = 60  # a plan is a few to a few dozen pages; OCR costs seconds a page
MIN_PAGE_CHARACTERS = 30  # fewer than this (a page number, a stamp's text) and the page is taken for a scan


@dataclass(frozen=True)
class _Block:
    top: float
    line: PrintedLine | None = None  # a printed line of text…
    row: str | None = None  # …or a table row, already one line


def _cell(text: str | None) -> str:
    return " ".join((text or "").split())


def _table_blocks(page: pdfplumber.page.Page) -> tuple[list[_Block], list[tuple[float, ...]]]:
    blocks, boxes = [], []
    for table in page.find_tables():
        boxes.append(table.bbox)
        for row, cells in zip(table.rows, table.extract(), strict=True):
            filled = [text for cell in cells if (text := _cell(cell))]
            if filled:
                blocks.append(_Block(top=row.bbox[1], row=CELL_SEPARATOR.join(filled)))
    return blocks, boxes


def _page_lines(page: pdfplumber.page.Page) -> list[str] | None:
    if len("".join(c["text"] for c in page.chars).strip()) < MIN_PAGE_CHARACTERS:
        return None
    blocks, boxes = _table_blocks(page)
    text = page
    for box in boxes:
        text = text.outside_bbox(box)
    printed = [_Block(top=found["top"], line=PrintedLine(found["text"], found["x0"], found["x1"]))
               for found in text.extract_text_lines(return_chars=False)]
    lines: list[str] = []
    run: list[PrintedLine] = []  # printed lines between two table rows are unwrapped together
    for block in sorted(blocks + printed, key=lambda b: b.top):
        if block.line is not None:
            run.append(block.line)
            continue
        lines += [line.text for line in unwrap(run)]
        run = []
        lines.append(block.row)
    lines += [line.text for line in unwrap(run)]
    return [nfc(line) for line in lines]


def pdf_pages(data: bytes) -> list[list[str] | None]:
    """Each page's lines, or None for a page that has no text layer."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if not pdf.pages:
                raise PlanReadError("broken_pdf")
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise PlanReadError("pdf_pages", count=len(pdf.pages), limit=MAX_PDF_PAGES)
            return [_page_lines(page) for page in pdf.pages]
    except PlanReadError:
        raise
    except PdfminerException as error:
        if error.args and isinstance(error.args[0], PDFPasswordIncorrect):
            raise PlanReadError("pdf_password") from error
        raise PlanReadError("broken_pdf") from error
    except Exception as error:  # pdfminer raises many types on malformed files
        raise PlanReadError("broken_pdf") from error
