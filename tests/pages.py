"""A plan's text as the files a secretary sends: a .docx, the PDF and .doc LibreOffice makes of it, and phone
photos of its printed pages (the input the OCR path has to read).

Each page is A4 at 150 dpi in DejaVu Sans (it has every Vietnamese letter), paragraphs wrapped to the
margins as a word processor would, then made to look photographed: turned by a slight angle, speckled
with noise, slightly blurred and saved as a JPEG of middling quality. Seeded, so a page is the same
image in every run.
"""

import functools
import io
import random
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import docx
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DPI = 150
PAGE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 110
FONT_PX = 25  # 12 pt at 150 dpi
LEADING = 34
TILT_DEGREES = (-1.2, 1.2)
JPEG_QUALITY = 70
# Gaussian grey noise around 128 (σ 28) as a table from uniform bytes: Pillow's effect_noise draws from C's rand(),
# which no seed reaches, so a page depended on what else the test process had drawn before it.
_GAUSSIAN = [min(255, max(0, round(statistics.NormalDist(128, 28).inv_cdf((level + 0.5) / 256)))) for level in range(256)]


def _wrapped(line: str, font: ImageFont.FreeTypeFont, width: int) -> Iterator[str]:
    words = line.split()
    if not words:
        yield ""
        return
    current = words[0]
    for word in words[1:]:
        candidate = f"{current} {word}"
        if font.getlength(candidate) <= width:
            current = candidate
        else:
            yield current
            current = word
    yield current


def layout(lines: Sequence[str]) -> list[list[str]]:
    """The printed lines of each page: paragraphs wrapped, empty lines kept as space between paragraphs."""
    font = ImageFont.truetype(FONT, FONT_PX)
    width = PAGE[0] - 2 * MARGIN
    per_page = (PAGE[1] - 2 * MARGIN) // LEADING
    printed = [row for line in lines for row in _wrapped(line.strip(), font, width)]
    while printed and not printed[-1]:
        printed.pop()
    return [printed[at : at + per_page] for at in range(0, len(printed), per_page)]


def photograph(rows: Sequence[str], seed: int) -> bytes:
    """One page as a phone photo: JPEG bytes."""
    rng = random.Random(seed)
    font = ImageFont.truetype(FONT, FONT_PX)
    page = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(page)
    for number, row in enumerate(rows):
        draw.text((MARGIN, MARGIN + number * LEADING), row, font=font, fill=20)
    page = page.rotate(rng.uniform(*TILT_DEGREES), resample=Image.Resampling.BICUBIC, fillcolor=235)
    noise = Image.frombytes("L", PAGE, rng.randbytes(PAGE[0] * PAGE[1])).point(_GAUSSIAN)
    page = Image.blend(page, noise, 0.12).filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    page.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, dpi=(DPI, DPI))
    return out.getvalue()


def page_photos(lines: Sequence[str], seed: int = 0) -> list[bytes]:
    return [photograph(rows, seed * 1000 + number) for number, rows in enumerate(layout(lines))]


def as_docx(text: str) -> bytes:
    """The text as a .docx, one paragraph a line."""
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@functools.cache  # LibreOffice takes seconds to start: each text is converted once per test process
def converted(text: str, to: str) -> bytes:
    """The text's .docx converted by LibreOffice `to` "pdf" or "doc"; skips when LibreOffice is missing."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "plan.docx"
        source.write_bytes(as_docx(text))
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                        "--convert-to", to, "--outdir", folder, str(source)], check=True, capture_output=True)
        return source.with_suffix(f".{to}").read_bytes()
