"""Reading a plan file of any kind it reaches a secretary in: .docx and .txt (the domain's readers), a PDF's
text layer (bot/domain/plans/pdf.py), and what needs tools outside Python — OCR of scanned PDF pages and
photos with Tesseract's Vietnamese model, and .doc converted to .docx by LibreOffice headless.

Tesseract runs as its command-line program (one process per page, with a timeout, its TSV read by
bot/domain/plans/ocr.py) rather than through pytesseract, which is a wrapper around that same program:
the command is all we need, and a missing program or language is found here with a clear message.
A missing tool raises PlanReadError("ocr_missing" / "ocr_language" / "doc_missing"), which the handlers
and the command line say in Vietnamese.
"""

import asyncio
import io
import itertools
import os
import shutil
import tempfile
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image, ImageOps

from bot.domain.plans.layout import Line, unwrap
from bot.domain.plans.ocr import LOW_CONFIDENCE, tsv_lines
from bot.domain.plans.pasted import join_pieces
from bot.domain.plans.pdf import MAX_PDF_PAGES, pdf_pages
from bot.domain.plans.readers import (
    MAX_DOCX_BYTES,
    MAX_TEXT_BYTES,
    PlanReadError,
    docx_lines,
    file_kind,
    read_plan_bytes,
)
from bot.domain.plans.structure import has_plan_shape, split_lines
from bot.domain.plans.vietnamese import nfc

TESSERACT = "tesseract"
LIBREOFFICE = "soffice"
OCR_LANGUAGE = "vie"
OCR_TIMEOUT = 120.0  # seconds for one page
CONVERT_TIMEOUT = 120.0  # seconds for one .doc
SCAN_DPI = 200  # a scanned PDF page is rendered at this resolution for OCR
MAX_IMAGE_PIXELS = 40_000_000  # a 48-megapixel phone photo is rare; an A4 page at 600 dpi is 35 M
MIN_PAGE_WORDS = 3  # a page OCR reads fewer words from holds no text (a photo of something else)

Progress = Callable[[int, int], Awaitable[None]]  # (page being read, pages) → e.g. edit "Đang đọc trang 2/5…"


@dataclass(frozen=True)
class PlanText:
    lines: list[str]
    uncertain: frozenset[int] = frozenset()  # 1-based numbers of the lines OCR read with low confidence
    ocr_pages: int = 0  # pages read by OCR


async def _no_progress(page: int, pages: int) -> None:
    return None


def _tool(name: str, missing: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise PlanReadError(missing)
    return found


def _page_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.convert("L").save(out, "PNG")
    return out.getvalue()


def _photo_png(data: bytes) -> bytes:
    """A photo as Tesseract should see it: turned upright as the phone recorded, in grey, as PNG."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise PlanReadError("image_too_big", megapixels=MAX_IMAGE_PIXELS // 1_000_000)
                return _page_png(ImageOps.exif_transpose(image))
    except PlanReadError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise PlanReadError("image_too_big", megapixels=MAX_IMAGE_PIXELS // 1_000_000) from error
    except Exception as error:  # Pillow raises many types on broken files
        raise PlanReadError("broken_image") from error


def _scanned_pages(data: bytes, numbers: Sequence[int]) -> list[bytes]:
    document = pypdfium2.PdfDocument(data)
    try:
        return [_page_png(document[n].render(scale=SCAN_DPI / 72).to_pil()) for n in numbers]
    finally:
        document.close()


async def _ocr(png: bytes) -> list[Line]:
    """One page through Tesseract: its lines, wrapped paragraphs joined, each with its lowest confidence."""
    program = _tool(TESSERACT, "ocr_missing")
    process = await asyncio.create_subprocess_exec(
        program, "stdin", "stdout", "-l", OCR_LANGUAGE, "--psm", "3", "tsv",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=os.environ | {"OMP_THREAD_LIMIT": "1"},  # one core a page: the bot shares the machine
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(process.communicate(png), OCR_TIMEOUT)
    except TimeoutError as error:
        process.kill()
        await process.wait()
        raise PlanReadError("ocr_timeout") from error
    if process.returncode != 0:
        if b"Failed loading language" in err or b"Error opening data file" in err:
            raise PlanReadError("ocr_language", language=OCR_LANGUAGE)
        raise PlanReadError("broken_image")
    printed = list(tsv_lines(out.decode("utf-8", "replace")))
    if sum(len(p.text.split()) for p in printed) < MIN_PAGE_WORDS:
        return []
    return list(unwrap(printed))


async def _read_pages(pages: Sequence[list[str] | bytes], progress: Progress) -> PlanText:
    """Pages in order, each either lines already read or a PNG to read with OCR (progress told before each)."""
    lines: list[str] = []
    uncertain: set[int] = set()
    scans = sum(isinstance(page, bytes) for page in pages)
    done = 0
    for page in pages:
        if not isinstance(page, bytes):
            lines += page
            continue
        done += 1
        await progress(done, scans)
        for line in await _ocr(page):
            lines.append(line.text)
            if line.confidence is not None and line.confidence < LOW_CONFIDENCE:
                uncertain.add(len(lines))
    if not any(line.strip() for line in lines):
        raise PlanReadError("ocr_nothing" if scans else "empty")
    if scans == len(pages) and not has_plan_shape(lines):  # photos only, of text that is not a plan
        raise PlanReadError("ocr_not_plan")
    if sum(map(len, lines)) > MAX_TEXT_BYTES:
        raise PlanReadError("too_big", mb=MAX_TEXT_BYTES // 2**20)
    return PlanText(lines, frozenset(uncertain), scans)


async def check_image(data: bytes) -> None:
    """Raises PlanReadError unless `data` is an image OCR can read (a page sent as a file, checked on arrival)."""
    await asyncio.to_thread(_photo_png, data)


async def read_parts(parts: Sequence[str | bytes], progress: Progress = _no_progress) -> PlanText:
    """The pieces of one plan in the order sent: pasted texts (joined again where the messenger split
    them) and photos or scans of pages."""
    if sum(isinstance(part, bytes) for part in parts) > MAX_PDF_PAGES:
        raise PlanReadError("too_many_pages", limit=MAX_PDF_PAGES)
    pages: list[list[str] | bytes] = []
    for is_text, group in itertools.groupby(parts, key=lambda part: isinstance(part, str)):
        if is_text:
            pages.append(split_lines(nfc(join_pieces(list(group)))))
            continue
        _tool(TESSERACT, "ocr_missing")
        pages += [await asyncio.to_thread(_photo_png, image) for image in group]
    return await _read_pages(pages, progress)


async def _read_pdf(data: bytes, progress: Progress) -> PlanText:
    found = await asyncio.to_thread(pdf_pages, data)
    scans = [n for n, page in enumerate(found) if page is None]
    if scans:
        _tool(TESSERACT, "ocr_missing")
        rendered = iter(await asyncio.to_thread(_scanned_pages, data, scans))
        return await _read_pages([page if page is not None else next(rendered) for page in found], progress)
    return await _read_pages(found, progress)


async def _doc_lines(data: bytes) -> list[str]:
    """Word 97–2003 → .docx with LibreOffice headless (its own profile, so conversions never share one)."""
    program = _tool(LIBREOFFICE, "doc_missing")
    with tempfile.TemporaryDirectory(prefix="chibo-doc-") as folder:
        source = Path(folder) / "plan.doc"
        source.write_bytes(data)
        process = await asyncio.create_subprocess_exec(
            program, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--norestore",
            "--convert-to", "docx", "--outdir", folder, str(source),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            await asyncio.wait_for(process.wait(), CONVERT_TIMEOUT)
        except TimeoutError as error:
            process.kill()
            await process.wait()
            raise PlanReadError("broken_doc") from error
        converted = source.with_suffix(".docx")
        if process.returncode != 0 or not converted.is_file():
            raise PlanReadError("broken_doc")
        return await asyncio.to_thread(docx_lines, converted.read_bytes())


async def read_file(data: bytes, filename: str, progress: Progress = _no_progress) -> PlanText:
    """A plan file of any kind a plan comes in; PlanReadError when it cannot be read."""
    if len(data) > MAX_DOCX_BYTES:
        raise PlanReadError("too_big", mb=MAX_DOCX_BYTES // 2**20)
    kind = file_kind(data, filename)
    if kind == "image":
        return await read_parts([data], progress)
    if kind == "pdf":
        return await _read_pdf(data, progress)
    if kind == "doc":
        lines = await _doc_lines(data)
        if not any(line.strip() for line in lines):
            raise PlanReadError("empty")
        return PlanText(lines)
    # Unpacking and parsing a .docx takes a while: not on the loop that serves everyone else.
    return PlanText(await asyncio.to_thread(read_plan_bytes, data, filename))


def _load(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_DOCX_BYTES:
            raise PlanReadError("too_big", mb=MAX_DOCX_BYTES // 2**20)
        return path.read_bytes()
    except FileNotFoundError as error:
        raise PlanReadError("missing", name=path.name) from error
    except OSError as error:
        raise PlanReadError("unreadable", name=path.name) from error


async def read_path(path: Path, progress: Progress = _no_progress) -> PlanText:
    """A plan file on disk (the command line)."""
    return await read_file(_load(path), path.name, progress)


async def read_paths(paths: Sequence[Path], progress: Progress = _no_progress) -> PlanText:
    """One plan file on disk, or several photos or scans of its pages in order (as an album in the chat);
    several files that are not all images raise `pages_not_images`."""
    if len(paths) == 1:
        return await read_path(paths[0], progress)
    pages = [_load(path) for path in paths]
    if not all(file_kind(data, path.name) == "image" for data, path in zip(pages, paths, strict=True)):
        raise PlanReadError("pages_not_images", count=len(paths))
    return await read_parts(pages, progress)
