"""Answers: the cited extractive answer, citing helpers, and the optional LLM answer with its sentence-by-sentence verification."""
