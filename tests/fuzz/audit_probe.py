"""Imported once by a test to show the audit hook sees imports."""
