"""Fail closed on silence: the lease's staleness clock."""

from __future__ import annotations

import threading
import time
from typing import Callable


class StalenessMonitor:
    """Calls ``on_stale(silent_for)`` once when nothing was heard for longer than
    ``max_silence`` seconds, unless ``stopped`` is set first. One daemon thread waiting on
    ``stopped`` for the remaining time, so ``heard()`` costs a clock read. Monotonic clock:
    wall-clock jumps neither hide nor fake silence."""

    def __init__(self, max_silence: float, on_stale: Callable[[float], None], stopped: threading.Event, name: str) -> None:
        self._max_silence = max_silence
        self._on_stale = on_stale
        self._stopped = stopped
        self._last_heard = time.monotonic()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._last_heard = time.monotonic()
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def heard(self) -> None:
        self._last_heard = time.monotonic()

    def _run(self) -> None:
        wait = self._max_silence
        while not self._stopped.wait(wait):
            silent_for = time.monotonic() - self._last_heard
            if silent_for > self._max_silence:
                self._on_stale(silent_for)
                return
            wait = self._max_silence - silent_for + 0.001
