"""Benchmarks: real measurements printed as tables, never asserted in tests."""
