"""Helpers of the test suite (not collected as tests)."""
