"""Redlines: word-level differences and edits shown as Markdown or HTML (`diff`), and a DOCX with real
tracked changes (`tracked`)."""
