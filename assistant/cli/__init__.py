"""The `twinguard` command line: the boundary where errors become one-line messages."""
