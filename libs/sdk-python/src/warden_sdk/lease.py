"""The lease: permission to work, held while the control plane keeps allowing it."""

from __future__ import annotations

import logging
import math
import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, Dict, List, Mapping, Optional, TypeVar

from ._heartbeat import Heartbeater
from ._sse import SseWatch
from ._staleness import StalenessMonitor
from .errors import ControlPlaneStale, DenialCode, ExecutionDenied, LeaseClosed, WardenConfigError, WardenError
from .models import Decision, PermissionUpdate, lease_ttl

if TYPE_CHECKING:
    from .client import Warden

T = TypeVar("T")
log = logging.getLogger("warden_sdk")

_REFUSAL_CODES = {"limit_reached": "LIMIT_EXCEEDED", "revoked": "DEVICE_REVOKED", "suspended": "ORG_SUSPENDED"}


class Lease:
    """Permission to work. ``cancelled`` (a :class:`threading.Event`) is set once and for good
    when a deny is pushed (``reason``: :class:`ExecutionDenied` with the decision code), when
    the control plane was silent longer than ``max_staleness`` (:class:`ControlPlaneStale`),
    when a ``guard`` validation is denied, when a heartbeat is denied (``LEASE_EXPIRED``), or
    when the lease is closed (:class:`LeaseClosed`). Once cancelled it stops watching and
    heartbeating. ``allowed: true`` never re-arms a lease: start a new one.

    Made by :meth:`Warden.start`: a lease exists only after startup enforcement passed.
    """

    def __init__(self, warden: "Warden", decision: Decision, max_staleness: float, lease_ttl_seconds: Optional[float]) -> None:
        self.device_id = decision.device_id
        self.org_id = decision.org_id
        self.decision = decision
        """The allowing validation the lease started on."""
        self.max_staleness = max_staleness
        self.lease_ttl_seconds = lease_ttl_seconds
        """The org's lease TTL when leases are on (the lease heartbeats every third of it), else None."""
        self.cancelled = threading.Event()
        self._warden = warden
        self._reason: Optional[ExecutionDenied] = None
        self._lock = threading.Lock()
        self._end_listeners: List[Callable[[ExecutionDenied], None]] = []
        # Messages at or before the position the allow was decided at are already reflected in it.
        self._floor = decision.position if decision.position is not None else -1
        self._positions: Dict[str, int] = {}
        name = f"warden-staleness:{self.device_id}"
        self._staleness = StalenessMonitor(max_staleness, self._stale, self.cancelled, name)
        self._watch = SseWatch(warden, self.device_id, max_staleness, self, self.cancelled)
        self._heartbeats: Optional[Heartbeater] = None
        if lease_ttl_seconds is not None:
            self._heartbeats = Heartbeater(warden, self.device_id, lease_ttl_seconds / 3, self._end, self.cancelled)

    def __repr__(self) -> str:
        state = "active" if self.active else f"cancelled: {self._reason.code if self._reason else '?'}"
        return f"<Lease device_id={self.device_id!r} {state}>"

    @property
    def reason(self) -> Optional[ExecutionDenied]:
        """Why the lease ended, or None while it holds."""
        return self._reason if self.cancelled.is_set() else None

    @property
    def active(self) -> bool:
        """True while the lease holds."""
        return not self.cancelled.is_set()

    def guard(self, fn: Callable[[threading.Event], T]) -> T:
        """Validates over HTTP, then calls ``fn(lease.cancelled)`` and returns its result. Never
        calls ``fn`` when the lease has ended, when the validation is denied (which also ends
        the lease) or when it cannot be completed: raises :class:`ExecutionDenied` instead (code
        ``CONTROL_PLANE_UNAVAILABLE`` for the latter; that alone does not end the lease)."""
        self._validate_before_work()
        return fn(self.cancelled)

    def close(self) -> None:
        """Ends the lease (``reason`` :class:`LeaseClosed`, unless it had already ended) and
        releases its connection and threads. Idempotent."""
        self._end(LeaseClosed())
        self._release()

    def _release(self) -> None:
        """Waits for the lease's threads, which end by themselves once ``cancelled`` is set."""
        self._watch.close(join_timeout=1.0)
        self._staleness.join(1.0)
        if self._heartbeats is not None:
            self._heartbeats.join(self._warden.timeout)

    def __enter__(self) -> "Lease":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- startup -----------------------------------------------------------------------------

    def _start(self) -> None:
        """Starts the staleness clock, opens the watch (raising if it cannot) and the heartbeats."""
        self._staleness.start()
        try:
            first = self._watch.connect()
        except WardenError:
            self._end(LeaseClosed())
            self._release()
            raise
        self._watch.run_in_background(first)
        if self._heartbeats is not None:
            self._heartbeats.start()

    # -- the gate: what the watch reports --------------------------------------------------

    def _permission(self, update: PermissionUpdate) -> None:
        """Drops what is not for this device or its org and what is not newer (per subject)
        than what is known; ends the lease on the first deny."""
        if self.cancelled.is_set():
            return
        if self.org_id is not None and update.org_id != self.org_id:
            return
        if update.device_id is not None and update.device_id != self.device_id:
            return
        if update.position <= self._positions.get(update.subject, self._floor):
            return
        self._positions[update.subject] = update.position
        received_at = _now_iso()
        stopped_at = None
        if not update.allowed:
            code = update.code or DenialCode.DENIED
            scope = f"org {update.org_id}" if update.device_id is None else f"device {self.device_id}"
            self._end(ExecutionDenied(code, f"{scope} denied by the control plane: {code} (position {update.position})"))
            stopped_at = _now_iso()
        self._permission_change_applied(update, received_at, stopped_at)

    def _permission_change_applied(self, update: PermissionUpdate, received_at: str, stopped_at: Optional[str]) -> None:
        """A pushed permission change was applied (a deny has cancelled the lease by now):
        acknowledge it to the control plane (proof of propagation), on its own daemon thread so
        the watch never waits for it; one retry, then it is given up (the report shows the
        device as pending, then lagging)."""

        def send() -> None:
            for _attempt in range(2):
                try:
                    self._warden.acknowledge(self.device_id, update.position, received_at, stopped_at)
                    return
                except WardenError:
                    continue

        threading.Thread(target=send, name=f"warden-ack-{self.device_id}", daemon=True).start()

    def _alive(self) -> None:
        self._staleness.heard()

    def _stale(self, silent_for: float) -> None:
        self._end(ControlPlaneStale(silent_for, self.max_staleness))

    # -- ending --------------------------------------------------------------------------------

    def _end(self, reason: ExecutionDenied) -> bool:
        """Ends the lease with ``reason``; False when it had already ended. The reason is set
        before the event, so whoever wakes on ``cancelled`` finds it."""
        with self._lock:
            if self._reason is not None:
                return False
            self._reason = reason
            listeners, self._end_listeners = self._end_listeners, []
        self.cancelled.set()
        if not isinstance(reason, LeaseClosed):
            log.info("lease of %s ended: %s", self.device_id, reason)
        self._watch.close(join_timeout=0)
        for listener in listeners:
            try:
                listener(reason)
            except Exception:  # one listener's bug must not keep others from hearing the end
                log.exception("lease end listener of %s failed", self.device_id)
        return True

    def _on_end(self, listener: Callable[[ExecutionDenied], None]) -> None:
        """Calls ``listener(reason)`` once when the lease ends (at once if it has)."""
        with self._lock:
            if self._reason is None:
                self._end_listeners.append(listener)
                return
            reason = self._reason
        listener(reason)

    def _raise_if_ended(self) -> None:
        reason = self.reason
        if reason is not None:
            raise reason.with_traceback(None)

    def _validate_before_work(self) -> None:
        """The check of ``guard``: blocking HTTP (the asyncio lease runs it in a thread)."""
        self._raise_if_ended()
        try:
            answer = self._warden.validate(self.device_id)
        except WardenError as error:
            self._raise_if_ended()
            raise ExecutionDenied(
                DenialCode.CONTROL_PLANE_UNAVAILABLE, f"could not validate {self.device_id} before work: {error}"
            ) from error
        if answer.get("allowed") is not True:
            code = answer.get("code")
            code = code if isinstance(code, str) and code else DenialCode.DENIED
            denied = ExecutionDenied(code, f"device {self.device_id} denied by the control plane: {code}")
            self._end(denied)
            raise denied
        self._raise_if_ended()


def start_lease(warden: "Warden", device_id: str, labels: Optional[Mapping[str, str]], max_staleness: float) -> Lease:
    """Register. Validate. Work: registers, validates and starts watching (and heartbeating,
    when the org has leases). Answers a lease only when all of that succeeded; nothing is
    retried into a degraded mode."""
    if isinstance(max_staleness, bool) or not isinstance(max_staleness, (int, float)) or not math.isfinite(max_staleness) or max_staleness <= 0:
        raise WardenConfigError("invalid_staleness", f"max_staleness must be a positive number of seconds, got {max_staleness!r}")
    registration = warden.register(device_id, labels)
    status = registration.get("status")
    if status not in ("ok", "exists"):
        code = _REFUSAL_CODES.get(str(status), DenialCode.REGISTRATION_REFUSED)
        error = registration.get("error")
        detail = f"{status} ({error})" if isinstance(error, str) else str(status)
        raise ExecutionDenied(code, f"registration of {device_id} refused: {detail}")
    decision = Decision.from_answer(warden.validate(device_id), device_id)
    if not decision.allowed:
        raise ExecutionDenied(decision.code, f"device {device_id} is not allowed to work: {decision.code}")
    ttl = decision.lease_ttl_seconds if decision.lease_ttl_seconds is not None else lease_ttl(registration)
    lease = Lease(warden, decision, float(max_staleness), ttl)
    lease._start()
    early = lease.reason
    if early is not None:
        lease.close()
        raise early
    return lease


def _now_iso() -> str:
    """The time now as the API writes it: ISO 8601 in UTC with milliseconds and a ``Z``."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
