"""Retrieval: hybrid dense + keyword search, fusion, named documents, follow-up questions."""
