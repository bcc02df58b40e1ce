"""Answers: the planned, cited extractive answer (composer, points, shapes, writer), citing helpers, and
the optional LLM answer with its sentence-by-sentence verification."""
