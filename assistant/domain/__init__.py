"""The vocabulary of the field, each fact once: places, the corpus schema, TwinGuard's wording, lay terms."""
