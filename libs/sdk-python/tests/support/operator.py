"""The operator's side over plain HTTP (not through the SDK under test): create an org, revoke,
suspend, lock, set policies, validate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

import requests

from .secrets import remember


class OperatorError(AssertionError):
    """An operator call the test relies on did not succeed."""


@dataclass
class Org:
    url: str
    org_id: str
    key: str

    def call(self, method: str, path: str, body: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        response = requests.request(method, f"{self.url}/api/v1/{path}", json=body, headers={"x-org-key": self.key}, timeout=10)
        if not response.ok:
            raise OperatorError(f"{method} {path} answered {response.status_code}: {response.text[:300]}")
        answer: Dict[str, Any] = response.json()
        return answer

    def revoke(self, device_id: str) -> Dict[str, Any]:
        return self.call("POST", "devices/revoke", {"deviceId": device_id, "reason": "test"})

    def unrevoke(self, device_id: str) -> Dict[str, Any]:
        return self.call("POST", "devices/unrevoke", {"deviceId": device_id})

    def suspend(self) -> Dict[str, Any]:
        return self.call("POST", "org/suspend", {"reason": "test"})

    def resume(self) -> Dict[str, Any]:
        return self.call("POST", "org/resume")

    def set_limit(self, limit: int) -> Dict[str, Any]:
        return self.call("POST", "org/limits", {"limit": limit})

    def lock(self, labels: Mapping[str, str]) -> Dict[str, Any]:
        return self.call("POST", "locks", {"selector": {"labels": dict(labels)}, "reason": "conformance"})

    def set_lease_policy(self, ttl_seconds: Optional[float]) -> Dict[str, Any]:
        return self.call("POST", "org/policy", {"leaseTtlSeconds": ttl_seconds})

    def validate(self, device_id: str) -> Dict[str, Any]:
        return self.call("POST", "devices/validate", {"deviceId": device_id})

    def issue_runtime_key(self) -> str:
        return remember(self.call("POST", "org/keys", {"scope": "runtime"})["key"])


def create_org(url: str, admin_token: str, plan_tier: str = "pro") -> Org:
    response = requests.post(
        f"{url}/api/v1/org/create",
        json={"name": "sdk-python-tests", "planTier": plan_tier},
        headers={"Authorization": f"Bearer {admin_token}"},
        timeout=10,
    )
    if not response.ok:
        raise OperatorError(f"org/create answered {response.status_code}: {response.text[:300]}")
    body = response.json()
    return Org(url=url, org_id=body["orgId"], key=remember(body["orgApiKey"]))
