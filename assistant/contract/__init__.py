"""Ask about my contract (issue 16): one uploaded contract, indexed in memory for one session only.

`index.ContractIndex` is the retrieval inside one contract (passages with exact offsets, clause numbers,
headings and pages; dense + BM25 in numpy, never on disk or in the shared store).
"""
