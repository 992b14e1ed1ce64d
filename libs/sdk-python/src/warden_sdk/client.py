"""``Warden``: the raw, MachineID-style HTTP calls, plus ``start()`` / ``astart()`` for a lease."""

from __future__ import annotations

import logging
import math
import os
import re
import threading
import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional
from urllib.parse import urlsplit, urlunsplit

import requests

from .errors import WardenApiError, WardenConfigError, WardenUnavailable

if TYPE_CHECKING:
    from .aio import AsyncLeaseStart
    from .lease import Lease

DEFAULT_BASE_URL = "http://127.0.0.1:8080"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_STALENESS = 15.0

log = logging.getLogger("warden_sdk")

Answer = Dict[str, Any]

_DECISION_CODE = re.compile(r"^[A-Z][A-Z_]*$")


def is_refusal(body: Any) -> bool:
    """A 403 that is an answer: a registration or restore refused by the rules (an envelope
    whose ``status`` is not ``error``), as opposed to an error such as ``forbidden_scope``."""
    return isinstance(body, dict) and body.get("status") != "error"


def is_deny(body: Any) -> bool:
    """A 403 that is a decision: ``error`` is a decision code (``LEASE_EXPIRED``,
    ``DEVICE_NOT_REGISTERED``, ...), not a lower-case error code such as ``forbidden_scope``."""
    return isinstance(body, dict) and isinstance(body.get("error"), str) and bool(_DECISION_CODE.match(body["error"]))


class Warden:
    """A client of one warden control plane, with one org or runtime key.

    Every raw call answers the parsed JSON body. A refusal is an answer: ``register`` returns
    the body of a 403 refusal, ``validate`` returns ``allowed: False``. Error answers raise
    :class:`WardenApiError`; no answer (network, timeout) raises :class:`WardenUnavailable`.
    The key travels in the ``x-org-key`` header only, and appears in no URL, log line,
    exception or ``repr``. Safe to share between threads.
    """

    def __init__(self, base_url: str, org_key: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        if not isinstance(org_key, str) or not org_key:
            raise WardenConfigError("missing_org_key", "an org or runtime key is required")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
            raise WardenConfigError("invalid_timeout", f"timeout must be a positive number of seconds, got {timeout!r}")
        parts = urlsplit(base_url) if isinstance(base_url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise WardenConfigError("invalid_url", "base_url must be an http(s) URL such as http://127.0.0.1:8080")
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.__org_key = org_key
        self._local = threading.local()
        self._sessions: "weakref.WeakSet[requests.Session]" = weakref.WeakSet()

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Warden":
        """A client configured from the environment: ``WARDEN_URL`` (default
        http://127.0.0.1:8080), ``WARDEN_ORG_KEY`` or ``WARDEN_KEY`` (required), and
        ``WARDEN_TIMEOUT_MS`` (optional, the same variable as the TypeScript SDK's)."""
        env = os.environ if env is None else env
        org_key = env.get("WARDEN_ORG_KEY") or env.get("WARDEN_KEY")
        if not org_key:
            raise WardenConfigError("missing_org_key", "WARDEN_ORG_KEY (or WARDEN_KEY) must be set")
        timeout = DEFAULT_TIMEOUT
        raw_timeout = env.get("WARDEN_TIMEOUT_MS")
        if raw_timeout:
            if not raw_timeout.isdigit() or int(raw_timeout) <= 0:
                raise WardenConfigError("invalid_timeout", f"WARDEN_TIMEOUT_MS must be a positive integer, got {raw_timeout!r}")
            timeout = int(raw_timeout) / 1000
        return cls(env.get("WARDEN_URL") or DEFAULT_BASE_URL, org_key, timeout)

    def __repr__(self) -> str:
        return f"Warden(base_url={_redact(self.base_url)!r}, timeout={self.timeout!r})"

    # -- raw calls ---------------------------------------------------------------------------

    def register(self, device_id: str, labels: Optional[Mapping[str, str]] = None) -> Answer:
        """Registers a device (idempotent). Refusals (403 ``limit_reached``, ``revoked``,
        ``suspended``) are answered, not raised."""
        body: Dict[str, Any] = {"deviceId": device_id}
        if labels:
            body["labels"] = dict(labels)
        return self._request("POST", "devices/register", body, answer_403=is_refusal)

    def validate(self, device_id: str) -> Answer:
        """Asks for a decision. ``allowed: False`` is an answer (HTTP 200), not an exception."""
        return self._request("POST", "devices/validate", {"deviceId": device_id})

    def list_devices(self) -> Answer:
        """Every device of the org (admin key)."""
        return self._request("GET", "devices/list")

    def revoke(self, device_id: str, reason: Optional[str] = None) -> Answer:
        """Revokes a device (admin key)."""
        body = {"deviceId": device_id} if reason is None else {"deviceId": device_id, "reason": reason}
        return self._request("POST", "devices/revoke", body)

    def unrevoke(self, device_id: str) -> Answer:
        """Restores a revoked device (admin key). At the cap it raises WardenApiError (403
        ``device_limit_reached``), as the TypeScript SDK does."""
        return self._request("POST", "devices/unrevoke", {"deviceId": device_id})

    def remove(self, device_id: str) -> Answer:
        """Forgets a device (admin key)."""
        return self._request("POST", "devices/remove", {"deviceId": device_id})

    def usage(self) -> Answer:
        """Plan, limit and device counts of the org (admin key)."""
        return self._request("GET", "usage")

    def acknowledge(
        self,
        device_id: str,
        position: int,
        received_at: str,
        stopped_at: Optional[str] = None,
        transport: str = "sse",
    ) -> Answer:
        """Tells the control plane that this runtime applied the permission change at ``position``
        (proof of propagation): when it got it and, for a deny, when its work was stopped. A
        lease calls it by itself for every change it applies."""
        body: Dict[str, Any] = {"deviceId": device_id, "position": str(position), "receivedAt": received_at, "transport": transport}
        if stopped_at is not None:
            body["stoppedAt"] = stopped_at
        return self._request("POST", "devices/ack", body)

    def heartbeat(self, device_id: str) -> Answer:
        """Says the device is alive (orgs with leases). A 403 deny (``error: LEASE_EXPIRED``,
        ``DEVICE_NOT_REGISTERED``, ...) is answered, not raised. A lease calls it by itself."""
        return self._heartbeat(device_id)

    # -- leases ------------------------------------------------------------------------------

    def start(
        self,
        device_id: str,
        labels: Optional[Mapping[str, str]] = None,
        max_staleness: float = DEFAULT_MAX_STALENESS,
    ) -> "Lease":
        """Register. Validate. Work. Answers a running :class:`~warden_sdk.Lease`, or raises
        :class:`ExecutionDenied` (with ``.code``) when this runtime may not work,
        :class:`WardenUnavailable` when the control plane cannot be reached, and
        :class:`WardenApiError` for an error answer. Use it as a context manager."""
        from .lease import start_lease

        return start_lease(self, device_id, labels, max_staleness)

    def astart(
        self,
        device_id: str,
        labels: Optional[Mapping[str, str]] = None,
        max_staleness: float = DEFAULT_MAX_STALENESS,
    ) -> "AsyncLeaseStart":
        """The asyncio form of :meth:`start`: ``async with warden.astart(...) as lease`` (or
        ``lease = await warden.astart(...)``) answers an :class:`~warden_sdk.AsyncLease`."""
        from .aio import AsyncLeaseStart

        return AsyncLeaseStart(self, device_id, labels, max_staleness)

    # -- plumbing ----------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the HTTP connections of this client (leases own theirs)."""
        for session in list(self._sessions):
            session.close()

    def __enter__(self) -> "Warden":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _new_session(self) -> requests.Session:
        """A session carrying the key header: the key lives in it, never in a call's locals."""
        session = requests.Session()
        session.headers["x-org-key"] = self.__org_key
        session.headers["accept"] = "application/json"
        return session

    def _session(self) -> requests.Session:
        # requests sessions are not documented as thread-safe: one per thread (as stripe-python does).
        session: Optional[requests.Session] = getattr(self._local, "session", None)
        if session is None:
            session = self._new_session()
            self._local.session = session
            self._sessions.add(session)
        return session

    def _heartbeat(self, device_id: str, session: Optional[requests.Session] = None) -> Answer:
        return self._request("POST", "devices/heartbeat", {"deviceId": device_id}, answer_403=is_deny, session=session)

    def _url(self, path: str) -> str:
        return f"{self.base_url}/api/v1/{path}"

    def _request(
        self,
        method: str,
        path: str,
        body: Optional[Mapping[str, Any]] = None,
        answer_403: Optional[Callable[[Any], bool]] = None,
        session: Optional[requests.Session] = None,
    ) -> Answer:
        url = self._url(path)
        try:
            response = (session or self._session()).request(method, url, json=body, timeout=self.timeout)
        except requests.RequestException as error:
            raise unavailable(method, url, self.timeout, error) from error
        parsed = _json_of(response)
        refusal = response.status_code == 403 and answer_403 is not None and answer_403(parsed)
        if not response.ok and not refusal:
            raise api_error(method, path, response, parsed)
        if not isinstance(parsed, dict):
            raise WardenApiError(response.status_code, "invalid_response", f"{method} {path} answered {response.status_code} without a JSON object")
        return parsed

    def _open_watch(self, session: requests.Session, device_id: str, read_timeout: float) -> requests.Response:
        """Opens the SSE permission stream of a device and answers the streaming response once
        its headers arrived. ``read_timeout`` bounds each read: a silent stream raises."""
        url = self._url("devices/watch")
        try:
            response = session.get(
                url,
                params={"deviceId": device_id},
                headers={"accept": "text/event-stream"},
                stream=True,
                timeout=(self.timeout, read_timeout),
            )
        except requests.RequestException as error:
            raise unavailable("GET", url, self.timeout, error) from error
        if not response.ok:
            parsed = _json_of(response)
            response.close()
            raise api_error("GET", "devices/watch", response, parsed)
        return response


def unavailable(method: str, url: str, timeout: float, error: requests.RequestException) -> WardenUnavailable:
    if isinstance(error, requests.Timeout):
        why = f"no answer within {timeout:g} s"
    else:
        why = _root_cause(error)
    return WardenUnavailable(f"control plane unavailable at {method} {_redact(url)}: {why}")


def api_error(method: str, path: str, response: requests.Response, body: Any) -> WardenApiError:
    status = response.status_code
    error = body.get("error") if isinstance(body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    code = error if isinstance(error, str) and error else f"http_{status}"
    text = message if isinstance(message, str) and message else f"HTTP {status} {response.reason or ''}".strip()
    return WardenApiError(status, code, f"{method} {path} answered {status} {code}: {text}")


def _json_of(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _root_cause(error: BaseException) -> str:
    """The innermost OS error of a requests failure ("[Errno 111] Connection refused"), else its text."""
    seen = error
    cause: Optional[BaseException] = error
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return f"{cause.strerror} (errno {cause.errno})"
        seen = cause
        nested = [arg for arg in getattr(cause, "args", ()) if isinstance(arg, BaseException)]
        cause = cause.__cause__ or cause.__context__ or getattr(cause, "reason", None) or (nested[0] if nested else None)
        if not isinstance(cause, BaseException):
            cause = None
    return f"{type(seen).__name__}: {seen}"


def _redact(url: str) -> str:
    """``url`` without user info (a password in a URL is a secret too)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


