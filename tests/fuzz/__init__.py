"""Fuzzing the file readers with hypothesis (docs/fuzzing.md)."""
