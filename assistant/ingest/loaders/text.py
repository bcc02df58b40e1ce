"""Text files (Markdown, plain text): decoding bytes to text and reading YAML front matter.

`decode_text` handles UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern) and falls back to
Windows-1252, refusing binary data; `split_front_matter` separates a leading `---` YAML block from the
body; `load_text` does both for one file.
"""

from __future__ import annotations

import re

import yaml

from assistant.errors import LoadError

FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def decode_text(data: bytes, name: str = "") -> tuple[str, list[str]]:
    """Decode bytes as text: UTF-8 (BOM aware), UTF-16 with BOM or NUL pattern, else Windows-1252.

    Raises LoadError for binary data. Returns the text and warnings.
    """
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), warnings
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), warnings
    sample = data[:4096]
    nul = sample.count(b"\x00")
    if nul and len(sample) >= 4 and nul >= len(sample) // 4:
        even, odd = sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")
        encoding = "utf-16-le" if odd > even * 4 else "utf-16-be" if even > odd * 4 else ""
        if encoding:
            text = data.decode(encoding, errors="replace")
            if _printable_share(text[:4096]) > 0.9:
                warnings.append(f"no byte-order mark; read as {encoding.upper()}")
                return text, warnings
        raise LoadError(name, "binary file, not text")
    control = sum(1 for b in sample if b < 32 and b not in (0, 9, 10, 12, 13))
    if sample and (control > 0.02 * len(sample) or nul > 0.1 * len(sample)):
        raise LoadError(name, "binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        warnings.append("not UTF-8; read as Windows-1252 (Latin-1)")
    if "\x00" in text:
        text = text.replace("\x00", "")
        warnings.append("NUL bytes removed")
    if text and _printable_share(text[:4096]) < 0.85:
        raise LoadError(name, "binary file, not text")
    return text, warnings


def _printable_share(text: str) -> float:
    if not text:
        return 1.0
    good = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t\f")
    return good / len(text)


def split_front_matter(text: str, name: str = "") -> tuple[dict, str]:
    """Return (front matter mapping, body). A document without front matter has {}."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise LoadError(name, f"front matter is not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(meta, dict):
        raise LoadError(name, "front matter must be a YAML mapping")
    return meta, text[match.end():]


def load_text(data: bytes, name: str) -> tuple[str, dict, list[str], int]:
    """Body text, front matter, warnings, and where the body starts in the file's text."""
    text, warnings = decode_text(data, name)
    meta, body = split_front_matter(text, name)
    return body, meta, warnings, len(text) - len(body)
