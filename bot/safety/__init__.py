"""Safety detection: normalisation, pattern matching and evaluation (no discord imports)."""
