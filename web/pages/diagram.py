"""Diagram view (being written)."""
