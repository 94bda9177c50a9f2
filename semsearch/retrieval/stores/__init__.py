"""Vector stores: where saved knowledge bases live (embedded SQLite + NumPy, Milvus)."""
