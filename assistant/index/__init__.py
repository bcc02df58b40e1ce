"""Indexing: the embedder, the vector store, the catalog, the keyword index, the indexer, staff uploads,
file-backed sections, and the shared catalog and lease for several processes over one Chroma server."""
