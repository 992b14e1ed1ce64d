"""Lease heartbeats, for orgs with leases on (``leaseTtlSeconds`` in the validate answer)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from .errors import DenialCode, ExecutionDenied, WardenError

if TYPE_CHECKING:
    from .client import Warden

log = logging.getLogger("warden_sdk")


def denial_code(answer: Mapping[str, Any]) -> Optional[str]:
    """The deny code of a heartbeat answer (a 403 ``{error: LEASE_EXPIRED}`` or an answer with
    ``allowed: false``), or None when the device may go on."""
    error = answer.get("error")
    if isinstance(error, str) and error:
        return error
    if answer.get("allowed") is False:
        code = answer.get("code")
        return code if isinstance(code, str) and code else DenialCode.DENIED
    return None


class Heartbeater:
    """POSTs ``devices/heartbeat`` every ``interval`` seconds (a third of the lease TTL) until
    ``stopped`` is set. A deny ends the lease through ``on_denied``; a failed heartbeat is
    logged and tried again at the next beat (a long outage ends the lease by staleness)."""

    def __init__(
        self,
        warden: "Warden",
        device_id: str,
        interval: float,
        on_denied: Callable[[ExecutionDenied], None],
        stopped: threading.Event,
    ) -> None:
        self._warden = warden
        self._device_id = device_id
        self._interval = interval
        self._on_denied = on_denied
        self._stopped = stopped
        self._session = warden._new_session()
        self._thread = threading.Thread(target=self._run, name=f"warden-heartbeat:{device_id}", daemon=True)

    @property
    def interval(self) -> float:
        return self._interval

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            while not self._stopped.wait(self._interval):
                try:
                    answer = self._warden._heartbeat(self._device_id, self._session)
                except WardenError as error:
                    log.warning("heartbeat of %s failed (%s); retrying in %.1f s", self._device_id, error.code, self._interval)
                    continue
                code = denial_code(answer)
                if code is not None:
                    self._on_denied(ExecutionDenied(code, f"device {self._device_id} denied by the control plane on heartbeat: {code}"))
                    return
        finally:
            self._session.close()
