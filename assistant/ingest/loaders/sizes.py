"""Sizes in messages: "1.5 KB", and the wording of a size-limit refusal.

Shared by `files` (the file-size limit) and the format loaders (`pdf`, `word`: decompressed size);
it imports nothing from the package, so every loader module can use it.
"""

from __future__ import annotations


def human_size(n: float) -> str:
    """1536 -> '1.5 KB'; used in size-limit messages."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" or n >= 10 else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def too_big(size: int, limit: int) -> str:
    return f"file is {human_size(size)}; the limit is {human_size(limit)}"
