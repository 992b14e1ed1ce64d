"""Proof of propagation: a lease acknowledges every permission change it applies, against the
real control plane (the report of the change counts the ack)."""

from __future__ import annotations

import time
from typing import Any, Dict

from support.operator import Org
from warden_sdk import Warden

ACK_BUDGET = 5.0  # seconds from the cancellation to the ack in the report


def report_once_acked(org: Org, position: str) -> Dict[str, Any]:
    deadline = time.monotonic() + ACK_BUDGET
    while True:
        report = org.call("GET", f"propagation?position={position}")["propagation"]
        if report["acked"] >= 1 or time.monotonic() > deadline:
            return report
        time.sleep(0.05)


def test_a_revoked_lease_acknowledges_the_revoke_with_when_it_stopped(warden: Warden, org: Org) -> None:
    with warden.start("ack-1") as lease:
        revoked = org.revoke("ack-1")
        assert lease.cancelled.wait(2.0) and lease.reason is not None and lease.reason.code == "DEVICE_REVOKED"

        report = report_once_acked(org, revoked["position"])

    assert (report["targets"], report["acked"], report["pending"], report["complete"]) == (1, 1, [], True)


def test_an_ack_answers_duplicate_the_second_time(warden: Warden, org: Org) -> None:
    warden.register("ack-2")
    revoked = org.revoke("ack-2")
    first = warden.acknowledge("ack-2", int(revoked["position"]), "2030-01-01T00:00:00.000Z", "2030-01-01T00:00:00.001Z")
    second = warden.acknowledge("ack-2", int(revoked["position"]), "2030-01-01T00:00:00.000Z")
    assert (first["duplicate"], second["duplicate"]) == (False, True)
