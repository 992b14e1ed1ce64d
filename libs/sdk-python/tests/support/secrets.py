"""Every key a test hands out, so the suite can prove none of them leaks (conftest.py)."""

from typing import Set

KEYS: Set[str] = set()


def remember(key: str) -> str:
    KEYS.add(key)
    return key
