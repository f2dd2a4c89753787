"""Plain text in any encoding: UTF-8 unless the register declares another; the encoding of
a new file is detected (charset-normalizer) when it is registered."""

from __future__ import annotations

import codecs
import re

from ..diagnostics import Diagnostics, Location
from ..files import decode_utf8
from .base import Extracted, SourceFile

SHORT = 256  # bytes: below this, Windows-1252 is assumed whenever it decodes


def _looks_latin(data: bytes) -> bool:
    """Whether the bytes read as Windows-1252 like a Latin-script text: accented letters
    among plain ones, never whole words of them (which Cyrillic or Greek would give)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return not re.search(r"[\u00c0-\u00ff]{3}", text)


def detect_encoding(data: bytes) -> str:
    """The encoding the bytes most likely are in. Among equally good guesses, Windows-1252,
    by far the commonest of the single-byte encodings that text arrives in, wins (Latin-1,
    the usual wrong guess, makes its curly quotes control characters)."""
    from charset_normalizer import from_bytes

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(data) < SHORT and _looks_latin(data):  # too little for a detector to go on
        return "cp1252"
    results = from_bytes(data)
    best = results.best()
    if best is None:
        return ""
    ties = [m for m in results if m.chaos <= best.chaos and m.coherence >= best.coherence]
    if any(m.encoding == "cp1252" for m in ties) or "cp1252" in best.could_be_from_charset:
        return "cp1252"
    return str(best.encoding)


def read_text(file: SourceFile, diagnostics: Diagnostics) -> Extracted | None:
    utf16 = file.data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\0" in file.data and file.encoding in ("", "utf-8", "utf_8") and not utf16:
        line = file.data.count(b"\n", 0, file.data.index(b"\0")) + 1
        diagnostics.error(
            Location(file.path, line), "source contains NUL bytes: it is not plain text"
        )
        return None
    if file.encoding.lower().replace("_", "-") not in ("", "utf-8"):
        return _declared(file, diagnostics)
    try:
        return Extracted(file.data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except UnicodeDecodeError:
        pass
    detected = detect_encoding(file.data)
    if not file.encoding and detected:  # a new file: registering it records the encoding
        return Extracted(file.data.decode(detected), metadata={"encoding": detected})
    hint = (
        f"it reads as {detected}: add 'encoding: {detected}' to its entry in "
        "seeds/sources.yaml (briefing add-source does this for new files)"
        if detected
        else "save it as UTF-8"
    )
    decode_utf8(file.path, file.data, "source", diagnostics, hint=hint)
    return None


def _declared(file: SourceFile, diagnostics: Diagnostics) -> Extracted | None:
    try:
        return Extracted(file.data.decode(file.encoding))
    except LookupError:
        diagnostics.error(Location(file.path), f"unknown encoding '{file.encoding}'")
    except UnicodeDecodeError as error:
        line = file.data.count(b"\n", 0, error.start) + 1
        diagnostics.error(
            Location(file.path, line),
            f"source is not valid {file.encoding} (byte 0x{file.data[error.start]:02x})",
            hint=f"it reads as {detect_encoding(file.data) or 'no known encoding'}",
        )
    return None
