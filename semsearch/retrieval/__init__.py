"""Finding passages: ranking, the vector index, searches and saved knowledge bases."""
