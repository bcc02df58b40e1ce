"""Real PDF and DOCX files generated for tests."""

from __future__ import annotations

import io


def pdf_bytes(pages: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """A page with only drawn shapes, like a scan without OCR."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(30, 30, 30)
    for i in range(10):
        pdf.rect(10 + i * 15, 20, 10, 200, style="F")
    return bytes(pdf.output())


def docx_bytes() -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("Digital replica rider", level=0)
    document.add_heading("1. Term", level=1)
    document.add_paragraph("The licence lasts twelve months.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Use", "Fee"
    table.cell(1, 0).text, table.cell(1, 1).text = "Instagram post", "EUR 500"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
