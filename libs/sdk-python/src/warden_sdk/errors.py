"""The SDK's one exception family.

Every exception the SDK raises, or puts on a lease as its ``reason``, is a :class:`WardenError`
with a stable ``code``, so callers branch on classes and codes, never on messages. Messages
name URLs, device ids and codes; they never carry a key.

::

    WardenError                      base, .code
    +-- ExecutionDenied(code)        work must not run: a decision code or an SDK fail-closed code
    |   +-- ControlPlaneStale        CONTROL_PLANE_STALE: silent longer than max_staleness
    |   +-- LeaseClosed              LEASE_CLOSED: the lease was closed by its owner
    +-- WardenUnavailable            no answer: network failure or timeout
    +-- WardenApiError(status, code) an error answer (400, 401, 404, 5xx, ...)
    +-- WardenConfigError            bad options or environment
"""

from __future__ import annotations

from typing import Optional


class DenialCode:
    """Codes the SDK uses when it fails closed without a decision from the control plane."""

    CONTROL_PLANE_STALE = "CONTROL_PLANE_STALE"
    """Nothing (no permission message, no heartbeat) was heard for longer than ``max_staleness``."""
    CONTROL_PLANE_UNAVAILABLE = "CONTROL_PLANE_UNAVAILABLE"
    """A validation before work could not be completed (network, timeout, error answer)."""
    LEASE_CLOSED = "LEASE_CLOSED"
    """The lease was closed by its owner; nothing protects work started after that."""
    REGISTRATION_REFUSED = "REGISTRATION_REFUSED"
    """Registration was refused with a status the SDK does not know."""
    DENIED = "DENIED"
    """A deny that carried no code."""


class WardenError(Exception):
    """Base of every SDK exception. ``code`` is stable; the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class ExecutionDenied(WardenError):
    """Work must not run.

    ``code`` is the control plane's decision code (``DEVICE_REVOKED``, ``ORG_SUSPENDED``,
    ``LIMIT_EXCEEDED``, ``DEVICE_NOT_REGISTERED``, ``LEDGER_UNAVAILABLE``, ``LEASE_EXPIRED``,
    ``DEVICE_LOCKED``) or one of :class:`DenialCode` when the SDK fails closed on its own.
    """

    def __init__(self, code: str, message: Optional[str] = None) -> None:
        super().__init__(code, message or f"execution denied: {code}")


class ControlPlaneStale(ExecutionDenied):
    """The control plane was silent (no permission message, no heartbeat) for longer than the
    lease's ``max_staleness``: the lease can no longer know it would be told about a revoke, so
    it fails closed. ``silent_for`` and ``max_staleness`` are in seconds."""

    def __init__(self, silent_for: float, max_staleness: float) -> None:
        super().__init__(
            DenialCode.CONTROL_PLANE_STALE,
            f"control plane silent for {silent_for:.3f} s (no permission message or heartbeat; "
            f"max_staleness is {max_staleness:g} s): failing closed",
        )
        self.silent_for = silent_for
        self.max_staleness = max_staleness


class LeaseClosed(ExecutionDenied):
    """The lease was closed (``close()`` or the end of its ``with`` block)."""

    def __init__(self) -> None:
        super().__init__(DenialCode.LEASE_CLOSED, "lease closed: work is no longer watched")


class WardenUnavailable(WardenError):
    """The control plane could not be reached, or did not answer in time."""

    def __init__(self, message: str) -> None:
        super().__init__("unavailable", message)


class WardenApiError(WardenError):
    """The control plane answered with an error (other than a refusal, which is an answer).
    ``status`` is the HTTP status, ``code`` the answer's stable ``error`` field."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code, message)
        self.status = status

    def __repr__(self) -> str:
        return f"WardenApiError(status={self.status!r}, code={self.code!r}, message={self.message!r})"


class WardenConfigError(WardenError):
    """Bad SDK options or environment (missing key, bad URL, bad number)."""
