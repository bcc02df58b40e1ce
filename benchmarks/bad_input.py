"""Worst-case input: generated hostile files and questions, each loaded in its own subprocess; prints the
message a user would see and the peak memory (RSS) of that process.

Usage: python benchmarks/bad_input.py [--work DIR] [--only NAME]
The generators are also used by tests/test_bad_input.py (with small limits instead of 200 MB files).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MB = 2**20
SENTENCE = "The agency must get written consent before any body scan of the model."


# --- generators ----------------------------------------------------------------------------------


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from object bodies (numbered from 1) with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def _stream(content: bytes, compress: bool = False) -> bytes:
    if compress:
        content = zlib.compress(content, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def text_pdf(text: str = SENTENCE, extra_page_entries: bytes = b"") -> bytes:
    """One page of real text; `extra_page_entries` go into the page dictionary."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + extra_page_entries + b">>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def nested_array_pdf(depth: int = 100_000) -> bytes:
    """A page dictionary holding an array nested `depth` levels deep."""
    return text_pdf(extra_page_entries=b"/Deep " + b"[" * depth + b"]" * depth + b" ")


def nested_pages_pdf(depth: int = 5000) -> bytes:
    """A page tree `depth` Pages nodes deep above a single page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = 2 + level
        parent = b"/Parent %d 0 R " % (number - 1) if level else b""
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 %s>>" % (number + 1, parent))
    page = 2 + depth
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                   b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page - 1, page + 1, page + 2))
    objects.append(_stream(b"BT /F1 12 Tf 72 720 Td (" + SENTENCE.encode() + b") Tj ET"))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return raw_pdf(objects)


def flate_bomb_pdf(expanded_mb: int = 1024, text_page: bool = False) -> bytes:
    """A page whose content stream is ~1 MB compressed and `expanded_mb` MB of spaces once inflated;
    `text_page` puts an ordinary page of text before it."""
    compressor = zlib.compressobj(9)
    block = b" " * MB
    parts = [compressor.compress(b"BT /F1 12 Tf 72 720 Td (" + SENTENCE.encode() + b") Tj ET\n")]
    parts += [compressor.compress(block) for _ in range(expanded_mb)]
    parts.append(compressor.flush())
    data = b"".join(parts)
    kids = b"[6 0 R 3 0 R]" if text_page else b"[3 0 R]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids %s /Count %d >>" % (kids, 2 if text_page else 1),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if text_page:
        objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R "
                    b"/Resources << /Font << /F1 5 0 R >> >> >>",
                    _stream(b"BT /F1 12 Tf 72 720 Td (Page one: " + SENTENCE.encode() + b") Tj ET")]
    return raw_pdf(objects)


def big_pdf(path: Path, size_mb: int = 200) -> None:
    """A valid one-page PDF padded with an unused stream to `size_mb` MB, written in pieces."""
    head = text_pdf()
    with open(path, "wb") as out:
        out.write(head)
        out.write(b"99 0 obj\n<< /Length %d >>\nstream\n" % (size_mb * MB))
        block = b"0" * MB
        for _ in range(size_mb):
            out.write(block)
        out.write(b"\nendstream\nendobj\n%%EOF\n")


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(text_pdf())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="pw", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def docx_with(document_xml: bytes | None = None, filler_mb: int = 0) -> bytes:
    """A minimal DOCX; `filler_mb` adds a part of that many MB of zeros (a zip bomb when large)."""
    from tests.files import docx_bytes

    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml" and document_xml is not None:
                data = document_xml
            out.writestr(info.filename, data)
        if filler_mb:
            block = bytes(MB)
            with out.open("word/media/filler.bin", "w", force_zip64=True) as part:
                for _ in range(filler_mb):
                    part.write(block)
    return buf.getvalue()


def billion_laughs_docx(levels: int = 9) -> bytes:
    """word/document.xml declaring exponentially expanding XML entities."""
    entities = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, levels + 1))
    xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [' + entities +
           b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           b"<w:body><w:p><w:r><w:t>&l%d;</w:t></w:r></w:p></w:body></w:document>" % levels)
    return docx_with(xml)


def hostile_markdown() -> bytes:
    return (b"---\nid: hostile\ntitle: Consent rules <script>alert(1)</script>\n---\n# Consent\n\n"
            b"The agency must get written consent before any body scan <script>alert('x')</script> "
            b"![pixel](http://tracker.invalid/p.png) <img src=x onerror=alert(2)> "
            b"[click here](javascript:alert(3)) of the model.\n")


# --- the worst-case run ------------------------------------------------------------------------------


def cases(work: Path) -> dict[str, Path]:
    """Write every case to disk; returns name -> path."""
    work.mkdir(parents=True, exist_ok=True)
    made: dict[str, bytes] = {
        "zero-byte.pdf": b"",
        "corrupt.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 400,
        "truncated.pdf": text_pdf()[:300],
        "encrypted.pdf": encrypted_pdf(),
        "image-only.pdf": __import__("tests.files", fromlist=["image_only_pdf"]).image_only_pdf(),
        "nested-array.pdf": nested_array_pdf(),
        "nested-pages.pdf": nested_pages_pdf(),
        "flate-bomb-1GB.pdf": flate_bomb_pdf(),
        "flate-bomb-20MB.pdf": flate_bomb_pdf(20),
        "not-a-zip.docx": b"PK\x03\x04 this is not a zip archive at all",
        "zip-bomb-1GB.docx": docx_with(filler_mb=1024),
        "billion-laughs.docx": billion_laughs_docx(),
        "latin1.txt": ("Cl\u00e1usula de imagen: " + SENTENCE).encode("latin-1"),
        "utf16.txt": SENTENCE.encode("utf-16"),
        "utf16-no-bom.txt": SENTENCE.encode("utf-16-le"),
        "nul-bytes.txt": SENTENCE.encode().replace(b" ", b" \x00"),
        "hostile.md": hostile_markdown(),
    }
    paths = {}
    for name, data in made.items():
        (work / name).write_bytes(data)
        paths[name] = work / name
    big_pdf(work / "huge-200MB.pdf")
    paths["huge-200MB.pdf"] = work / "huge-200MB.pdf"
    return paths


def child(path: Path) -> None:
    """Load one file the way the indexer and the upload page do; print the outcome as JSON."""
    import resource

    from assistant.config import Settings
    from assistant.errors import AssistantError
    from assistant.index.library import add_to_library
    from assistant.ingest.loaders import load_file

    settings = Settings(home=Path("/nonexistent-home-not-written"))
    started = time.perf_counter()
    try:
        doc, warnings = load_file(path, max_bytes=settings.max_file_bytes, limits=settings.limits)
        outcome = f"loaded: {len(doc.text)} chars" + (f"; warnings: {'; '.join(warnings)}" if warnings else "")
    except AssistantError as exc:
        outcome = f"refused: {exc.reason if hasattr(exc, 'reason') else exc}"
    except Exception as exc:  # the point: anything else is a crash to report
        outcome = f"CRASH {exc.__class__.__name__}: {str(exc)[:120]}"
    upload = "n/a"
    if path.stat().st_size <= settings.max_file_bytes:
        try:
            add_to_library(settings.with_(home=Path("/dev/null/not-a-dir")), path.name, path.read_bytes())
        except AssistantError as exc:
            upload = f"refused: {str(exc)[:100]}"
        except OSError:
            upload = "accepted (loads)"
        except Exception as exc:
            upload = f"CRASH {exc.__class__.__name__}"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "upload": upload, "seconds": time.perf_counter() - started,
                      "rss_mb": rss}))


def question_case() -> dict:
    """100k-character question through check_question (what ask and search run first)."""
    from assistant.answer.extractive import check_question
    from assistant.config import Settings
    from assistant.errors import QuestionError

    started = time.perf_counter()
    try:
        check_question("Can my agency scan me? " * 4500, Settings())
        outcome = "accepted"
    except QuestionError as exc:
        outcome = f"refused: {exc}"
    return {"outcome": outcome, "seconds": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/tmp/twinguard-bad-input"))
    parser.add_argument("--only", default="")
    parser.add_argument("--child", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    paths = cases(args.work)
    print(f"{'case':22s} {'size':>9s} {'peak RSS':>9s} {'time':>7s}  outcome")
    worst = ("", 0.0)
    crashes = 0
    for name, path in paths.items():
        if args.only and args.only not in name:
            continue
        proc = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                              timeout=900)
        try:
            result = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            result = {"outcome": f"CRASH exit {proc.returncode}: {proc.stderr.strip()[-160:]}", "rss_mb": 0,
                      "seconds": 0, "upload": ""}
        crashes += result["outcome"].startswith("CRASH") or result.get("upload", "").startswith("CRASH")
        if result["rss_mb"] > worst[1]:
            worst = (name, result["rss_mb"])
        size = path.stat().st_size
        print(f"{name:22s} {size / MB:8.2f}M {result['rss_mb']:8.0f}M {result['seconds']:6.2f}s  "
              f"{result['outcome']}  | upload: {result['upload']}", flush=True)
    q = question_case()
    print(f"{'question-100k-chars':22s} {'':>9s} {'':>9s} {q['seconds']:6.3f}s  {q['outcome'][:110]}")
    print(f"\ncrashes: {crashes}; worst peak RSS: {worst[1]:.0f} MB ({worst[0]})")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
