"""Errors raised by the classifiers package.

Both are ``ValueError`` subclasses, so callers may catch ``ValueError``; the web
layer can use :attr:`InvalidInput.field` to answer 422 with a message per field.
"""

from __future__ import annotations


class InvalidInput(ValueError):
    """A caller passed a bad value; ``field`` names the argument or request field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class InvalidClassifier(ValueError):
    """A classifier document is malformed or inconsistent; the message says where."""
