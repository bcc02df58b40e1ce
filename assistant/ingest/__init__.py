"""Reading documents: loaders per format, structure-aware chunking, corpus validation."""
