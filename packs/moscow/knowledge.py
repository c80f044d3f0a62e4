"""The pack's knowledge base: answer scripts for simple consultations (seed 004, п. 1 «база знаний /
скрипт ответа»). Read from the pack's `knowledge_file` (workflows/knowledge/moscow.json); a pack without one has none."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from services.context import Context
from services.errors import ValidationFailed

MAX_QUERY = 200


@cache
def _articles(path: Path | None) -> tuple[dict[str, Any], ...]:
    if path is None or not path.exists():
        return ()
    return tuple(json.loads(path.read_text(encoding="utf-8"))["articles"])


def _haystack(article: dict[str, Any]) -> str:
    return " ".join([article["title"], article["category"], article["answer"], *article["keywords"]]).casefold()


def search(ctx: Context, query: str | None, fact: str | None = None) -> dict[str, Any]:
    """Articles whose every query word is in the title, category, keywords or answer; `fact` keeps
    those written for that classifier fact. Without a query, every article (of the fact)."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY:
        raise ValidationFailed("Слишком длинный запрос", {"q": [f"не длиннее {MAX_QUERY} символов"]})
    words = query.casefold().split()
    items = [a for a in _articles(ctx.pack.knowledge_file)
             if all(w in _haystack(a) for w in words) and (not fact or fact in a["facts"])]
    return {"pack": ctx.pack.code, "query": query, "items": items}


def article(ctx: Context, code: str) -> dict[str, Any]:
    """One article by code, or 422 naming the field (a moderator's `article` pick)."""
    for a in _articles(ctx.pack.knowledge_file):
        if a["code"] == code:
            return a
    raise ValidationFailed("Нет такой статьи базы знаний", {"article": [f"нет статьи '{code}'"]})
