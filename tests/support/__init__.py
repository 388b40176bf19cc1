"""Helpers shared by the test suite (importable because pytest's pythonpath has tests/)."""
