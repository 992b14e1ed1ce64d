"""Reconnect delays: capped exponential backoff with jitter (the TypeScript SDK's curve)."""

from __future__ import annotations

import random
from typing import Callable


class Backoff:
    """The n-th delay (from 0) is drawn uniformly from [d/2, d], d = min(maximum, initial * 2**n),
    so reconnecting runtimes spread out. ``reset()`` after a connection that delivered events,
    as launchdarkly's streaming thread resets after a good connection."""

    def __init__(self, initial: float = 0.25, maximum: float = 5.0, rand: Callable[[], float] = random.random) -> None:
        self._initial = initial
        self._maximum = maximum
        self._random = rand
        self._attempt = 0

    def next_delay(self) -> float:
        ceiling = min(self._maximum, self._initial * 2 ** min(self._attempt, 30))
        self._attempt += 1
        return ceiling / 2 + self._random() * ceiling / 2

    def reset(self) -> None:
        self._attempt = 0
