"""Loaders: turn a file (Markdown/text, PDF, DOCX) into a Document with its text and metadata.

Each loader raises LoadError with a reason a person can act on; `load_file` returns the document
and a list of warnings (for example "not UTF-8; read as Windows-1252").

The package's public API, by module:

- `files`: `load_file`, `load_bytes` (pick the loader by suffix, build the Document), `iter_files`,
  `SUPPORTED`, `sha256_bytes`;
- `sizes`: `human_size`, `too_big` (size-limit messages);
- `text`: `decode_text`, `split_front_matter`, `load_text` (Markdown and plain text);
- `pdf`: `load_pdf` (pypdf);
- `word`: `load_docx` (python-docx).
"""

from assistant.ingest.loaders.files import (
    SUPPORTED,
    iter_files,
    load_bytes,
    load_file,
    sha256_bytes,
)
from assistant.ingest.loaders.pdf import load_pdf
from assistant.ingest.loaders.sizes import human_size, too_big
from assistant.ingest.loaders.text import decode_text, load_text, split_front_matter
from assistant.ingest.loaders.word import load_docx

__all__ = [
    "SUPPORTED", "decode_text", "human_size", "iter_files", "load_bytes", "load_docx", "load_file", "load_pdf",
    "load_text", "sha256_bytes", "split_front_matter", "too_big",
]
