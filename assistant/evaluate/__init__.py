"""Evaluation: the gold set, its metrics, `twinguard eval`, and LegalBench-RAG precision/recall."""
