"""Loading a project: YAML with line numbers, typed specs, profiles and variables, windows,
selection. No warehouse, no SQL parsing, no test types (they are handed in)."""
