"""Question planning: which places a question is about, its topic and intent, and whether it is in scope."""
