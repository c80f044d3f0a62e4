"""The one check of a `next` address (sign-in, language switch, provider sign-in, login_required):
only a path on this site. Browsers drop tabs and newlines inside a URL and read `\\` as `/`, so
`/\\tevil.example` or `/\\evil.example` would leave the site; a newline would also break the
`Location` header. Anything doubtful gives the default instead."""
from __future__ import annotations

from urllib.parse import urlsplit

MAX_LENGTH = 2000


def safe_next(target: str | None, default: str = "") -> str:
    if not target or len(target) > MAX_LENGTH or not target.startswith("/"):
        return default
    if any(c == "\\" or c.isspace() or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF
           for c in target):
        return default
    if target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
