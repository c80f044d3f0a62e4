"""Russian state registration number (ОГРН, 13 digits; ОГРНИП, 15 digits) checksum."""

from __future__ import annotations


def ogrn_problem(value: str) -> str | None:
    """None when `value` is a valid ОГРН/ОГРНИП, otherwise what is wrong with it (in Russian).

    ОГРН: the remainder of the first 12 digits divided by 11, its last digit, is the 13th digit.
    ОГРНИП: the remainder of the first 14 digits divided by 13, its last digit, is the 15th digit.
    """
    if not value or not value.isdigit():
        return "ОГРН состоит только из цифр"
    if len(value) == 13:
        ok = int(value[:12]) % 11 % 10 == int(value[12])
    elif len(value) == 15:
        ok = int(value[:14]) % 13 % 10 == int(value[14])
    else:
        return "ОГРН должен содержать 13 цифр (ОГРНИП — 15)"
    return None if ok else "неверная контрольная сумма ОГРН"
