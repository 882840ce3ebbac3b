"""Hostile input shared by the fuzz and end-to-end tests: text strategies and broken or explosive .docx files."""

import io
import struct
import zipfile
import zlib

import docx
from hypothesis import strategies as st

# --- text ----------------------------------------------------------------------------------------------------

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ĐĂÂÊÔƠƯÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
)
COMBINING = "\u0300\u0301\u0303\u0309\u0323\u0306\u0302\u031b\u0307\u0338"
CONTROL = "".join(map(chr, range(32))) + "\x7f\x85\u2028\u2029\ufeff\u200b\u200c\u200d\u00ad"
RTL = "\u200f\u202b\u202e\u2067\u061cمرحبا שלום"
DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩０１２３４５６７８９²½"
ODD = "İıẞß\ufb01ǅ🇻🇳👍🏽\U0001f600\U000e0001\ufffd\uffff<>&\"'/\\|*_#"
SPECIALS = VIETNAMESE + COMBINING + CONTROL + RTL + DIGITS + ODD

special_chars = st.sampled_from(SPECIALS)
any_chars = st.one_of(special_chars, st.characters(codec="utf-8"))

IMPOSSIBLE_DATES = [
    "31/02/2014", "30/02/2024", "29/02/2023", "00/00/0000", "0/0/0", "32/13/2014", "31/04/2015", "01/01/0001",
    "31/12/9999", "01/01/10000", "12/03/99999", "2015-02-30", "0000-00-00", "9999-12-31", "31.02.2014",
    "31-02-2014", "1/1/1900", "28/02/1900", "29/02/2000", "٣١/١٢/٢٠١٤", "１２/０３/２０１５",
]  # fmt: skip


def huge_number() -> st.SearchStrategy[str]:
    return st.one_of(st.integers(0, 10**40).map(str), st.sampled_from(["9" * 300, "0" * 50, "-1", "1e9999"]))


def date_like() -> st.SearchStrategy[str]:
    parts = st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99_999), st.sampled_from("/.-"))
    written = parts.map(lambda p: f"{p[0]:02d}{p[3]}{p[1]:02d}{p[3]}{p[2]}")
    iso = st.tuples(st.integers(0, 99_999), st.integers(0, 99), st.integers(0, 99)).map(
        lambda p: f"{p[0]:04d}-{p[1]:02d}-{p[2]:02d}"
    )
    return st.one_of(written, iso, st.sampled_from(IMPOSSIBLE_DATES))


def tokens(vocabulary: str) -> st.SearchStrategy[str]:
    """Words of the domain's own vocabulary mixed with dates, numbers and hostile characters."""
    return st.one_of(
        st.sampled_from(vocabulary.split()),
        st.sampled_from(vocabulary.split()),
        date_like(),
        huge_number(),
        st.text(any_chars, min_size=1, max_size=6),
        special_chars,
    )


def hostile_lines(vocabulary: str, *, max_tokens: int = 20) -> st.SearchStrategy[str]:
    """One line: tokens joined by spaces or punctuation, sometimes one token repeated into a very long line."""
    joiners = st.sampled_from([" ", " ", ", ", ",", "; ", " | ", "/", " - ", "\t", ":", ".", "\u00a0"])
    line = st.lists(st.tuples(tokens(vocabulary), joiners), max_size=max_tokens).map(
        lambda pairs: "".join(token + joiner for token, joiner in pairs)
    )
    long_line = st.tuples(tokens(vocabulary), st.integers(200, 3000)).map(lambda p: (p[0] + " ") * p[1])
    return st.one_of(line, line, line, long_line)


def hostile_texts(vocabulary: str, *, max_lines: int = 30) -> st.SearchStrategy[str]:
    """Several lines, separated by every line break a client may send (CRLF, CR, LF, and the Unicode ones)."""
    breaks = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "\n\n", "\u2028", "\x0b", "\x0c", "\x1c", "\x85"])
    return st.lists(st.tuples(hostile_lines(vocabulary), breaks), max_size=max_lines).map(
        lambda pairs: "".join(line + brk for line, brk in pairs)
    )


def editor_lines(text: str) -> list[str]:
    """The lines a person counts in an editor or a chat: split at CRLF, CR and LF only."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines and not lines[-1] else lines


# --- files ---------------------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00" + bytes(200)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT_XML = "word/document.xml"


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx_with_document(content: bytes | None) -> bytes:
    """A real .docx whose main part is replaced by `content` (None: the part is left out)."""
    parts = _parts(docx_bytes("Chi bộ họp trong tháng 12/2026."))
    if content is None:
        del parts[DOCUMENT_XML]
    else:
        parts[DOCUMENT_XML] = content
    return rezip(parts)


def truncated_docx() -> bytes:
    data = docx_bytes("Chi bộ họp trong tháng 12/2026.")
    return data[: len(data) // 2]


def _raw_deflate(data: bytes, *, final: bool) -> bytes:
    """`data` as a byte-aligned run of deflate blocks with no back-reference outside it, so runs concatenate."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


BOMB_FILLER = b" " * (1 << 20)


def docx_bomb(megabytes: int = 1100, *, declared: int | None = None) -> bytes:
    """A .docx whose word/document.xml inflates to `megabytes` MiB of blanks inside one <w:t>.

    The deflate stream is written once per MiB-block and repeated, so building it costs neither the time nor the
    memory of compressing a gigabyte. The central directory and the local header declare `declared` bytes
    (default: the true size, CRC included), so a test can make the archive lie about its size."""
    prefix = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>'.encode()
    suffix = b"</w:t></w:r></w:p></w:body></w:document>"
    block = _raw_deflate(BOMB_FILLER, final=False)
    stream = _raw_deflate(prefix, final=False) + block * megabytes + _raw_deflate(suffix, final=True)
    size = len(prefix) + len(BOMB_FILLER) * megabytes + len(suffix)
    crc = zlib.crc32(prefix)
    for _ in range(megabytes):
        crc = zlib.crc32(BOMB_FILLER, crc)
    crc = zlib.crc32(suffix, crc)

    # Stored as-is, then the headers are patched to say "deflated, this size, this CRC".
    parts = _parts(docx_bytes("Chi bộ họp"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if name == DOCUMENT_XML:
                archive.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), stream, zipfile.ZIP_STORED)
            else:
                archive.writestr(name, content)
    data = bytearray(out.getvalue())
    shown = size if declared is None else declared
    name = DOCUMENT_XML.encode()
    local = data.find(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(name)] != name:
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<H", data, local + 8, zipfile.ZIP_DEFLATED)
    struct.pack_into("<LLL", data, local + 14, crc, len(stream), shown)
    struct.pack_into("<H", data, central + 10, zipfile.ZIP_DEFLATED)
    struct.pack_into("<LLL", data, central + 16, crc, len(stream), shown)
    return bytes(data)


def inflated_size(data: bytes, name: str = DOCUMENT_XML) -> int:
    """The true unpacked size of one part, counted by streaming it through zlib in small pieces."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + sum(struct.unpack_from("<HH", data, info.header_offset + 26))
    inflater, total = zlib.decompressobj(-15), 0
    pending = memoryview(data)[start : start + info.compress_size]
    while not inflater.eof:
        out = inflater.decompress(pending, 1 << 20)
        pending = inflater.unconsumed_tail
        if not out and not pending:
            break
        total += len(out)
    return total
