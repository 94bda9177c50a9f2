"""Documents in: reading files, cutting them into passages, parsing typed lines."""
