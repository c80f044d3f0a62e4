"""Russian taxpayer number (ИНН) checksum: 10 digits for companies, 12 for individuals."""

from __future__ import annotations

_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_problem(value: str) -> str | None:
    """None when `value` is a valid ИНН, otherwise what is wrong with it (in Russian)."""
    if not value or not value.isdigit():
        return "ИНН состоит только из цифр"
    digits = [int(c) for c in value]
    if len(digits) == 10:
        return (
            None
            if _check(digits, _W10) == digits[9]
            else "неверная контрольная сумма ИНН"
        )
    if len(digits) == 12:
        ok = _check(digits, _W11) == digits[10] and _check(digits, _W12) == digits[11]
        return None if ok else "неверная контрольная сумма ИНН"
    return "ИНН должен содержать 10 или 12 цифр"


_BIN_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_BIN_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def bin_problem(value: str) -> str | None:
    """None when `value` is a valid Kazakh БИН/ИИН (12 digits, check digit by weights 1–11, else
    3–11, 1, 2, modulo 11), otherwise what is wrong with it (in Russian)."""
    if not value or not value.isdigit() or len(value) != 12:
        return "БИН/ИИН состоит из 12 цифр"
    digits = [int(c) for c in value]
    check = sum(d * w for d, w in zip(digits, _BIN_W1, strict=False)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, _BIN_W2, strict=False)) % 11
    if check == 10 or check != digits[11]:
        return "неверный контрольный разряд БИН/ИИН"
    return None
