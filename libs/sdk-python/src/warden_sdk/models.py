"""Answers and messages the SDK acts on, parsed defensively from the wire (README "HTTP API",
``libs/sdk/src/permission-contract.ts``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional


class DecisionCode:
    """The control plane's decision codes (DESIGN section 4). Only ``ALLOW`` allows."""

    ALLOW = "ALLOW"
    DEVICE_NOT_REGISTERED = "DEVICE_NOT_REGISTERED"
    DEVICE_REVOKED = "DEVICE_REVOKED"
    ORG_SUSPENDED = "ORG_SUSPENDED"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    LEDGER_UNAVAILABLE = "LEDGER_UNAVAILABLE"
    LEASE_EXPIRED = "LEASE_EXPIRED"
    DEVICE_LOCKED = "DEVICE_LOCKED"


SSE_PERMISSION_EVENT = "permission"
SSE_HEARTBEAT_EVENT = "heartbeat"

_DECIMAL = re.compile(r"^\d{1,40}$")


def parse_position(value: Any) -> Optional[int]:
    """A ledger position (a decimal string; may exceed 2**53) as an int, or None."""
    if isinstance(value, str) and _DECIMAL.match(value):
        return int(value)
    return None


@dataclass(frozen=True)
class Decision:
    """The validation a lease started on (``POST devices/validate``)."""

    allowed: bool
    code: str
    device_id: str
    position: Optional[int]
    """Ledger position the decision was made at; pushed messages at or before it are ignored."""
    org_id: Optional[str]
    request_id: Optional[str]
    lease_ttl_seconds: Optional[float]
    """Set when the org has leases on: the lease heartbeats every third of it."""
    raw: Dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_answer(cls, body: Mapping[str, Any], device_id: str) -> "Decision":
        code = body.get("code")
        org_id = body.get("orgId")
        request_id = body.get("request_id")
        return cls(
            allowed=body.get("allowed") is True,
            code=code if isinstance(code, str) and code else "DENIED",
            device_id=device_id,
            position=parse_position(body.get("position")),
            org_id=org_id if isinstance(org_id, str) and org_id else None,
            request_id=request_id if isinstance(request_id, str) else None,
            lease_ttl_seconds=lease_ttl(body),
            raw=dict(body),
        )


def lease_ttl(body: Mapping[str, Any]) -> Optional[float]:
    """``leaseTtlSeconds`` when the answer carries a positive number, else None."""
    ttl = body.get("leaseTtlSeconds")
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl <= 0:
        return None
    return float(ttl)


@dataclass(frozen=True)
class PermissionUpdate:
    """A pushed permission message. ``device_id`` is None for an org-wide message."""

    org_id: str
    device_id: Optional[str]
    allowed: bool
    code: str
    position: int

    @property
    def subject(self) -> str:
        """Positions are ordered per subject: the device's, or its org's."""
        return "org" if self.device_id is None else "device"


def parse_json(text: str) -> Any:
    """The JSON value of ``text``, or None: a malformed payload is ignored, never raised."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def to_permission_update(raw: Any) -> Optional[PermissionUpdate]:
    """A permission message if ``raw`` carries every field needed to act on it, else None."""
    if not isinstance(raw, dict):
        return None
    org_id, device_id = raw.get("orgId"), raw.get("deviceId")
    allowed, code = raw.get("allowed"), raw.get("code")
    position = parse_position(raw.get("position"))
    if not isinstance(org_id, str) or not org_id:
        return None
    if device_id is not None and (not isinstance(device_id, str) or not device_id):
        return None
    if not isinstance(allowed, bool) or not isinstance(code, str) or position is None:
        return None
    return PermissionUpdate(org_id, device_id, allowed, code, position)


def is_heartbeat(raw: Any) -> bool:
    """True when ``raw`` is a control-plane heartbeat ``{nodeId, at, position}``."""
    return (
        isinstance(raw, dict)
        and isinstance(raw.get("nodeId"), str)
        and isinstance(raw.get("at"), str)
        and isinstance(raw.get("position"), str)
    )
