"""Fail closed: when the control plane stops, a lease is cancelled with ControlPlaneStale after
max_staleness, and guard refuses work. Each test runs its own control plane and stops it."""

from __future__ import annotations

import time
from typing import List

import pytest

from support.control_plane import ControlPlane
from support.operator import create_org
from warden_sdk import ControlPlaneStale, ExecutionDenied, Warden


def test_a_stopped_control_plane_cancels_the_lease_after_max_staleness_and_guard_refuses(dedicated_control_plane: ControlPlane) -> None:
    org = create_org(dedicated_control_plane.url, dedicated_control_plane.admin_token)
    warden = Warden(org.url, org.key, timeout=2.0)
    patient = warden.start("stale-patient", max_staleness=60.0)
    strict = warden.start("stale-strict", max_staleness=1.5)
    assert strict.guard(lambda cancelled: "works while the control plane answers") == "works while the control plane answers"

    dedicated_control_plane.stop()
    stopped_at = time.monotonic()

    # A guard that cannot validate refuses the work, without ending a lease still within its budget.
    called: List[bool] = []
    with pytest.raises(ExecutionDenied) as raised:
        patient.guard(lambda cancelled: called.append(True))
    assert raised.value.code == "CONTROL_PLANE_UNAVAILABLE" and called == []
    assert patient.active

    # The strict lease hears nothing (no permission message, no heartbeat) and fails closed.
    assert strict.cancelled.wait(6.0), "the lease outlived a stopped control plane"
    silent_for = time.monotonic() - stopped_at
    reason = strict.reason
    assert isinstance(reason, ControlPlaneStale) and reason.code == "CONTROL_PLANE_STALE"
    assert reason.max_staleness == 1.5 and reason.silent_for > 1.5
    assert silent_for < 6.0
    with pytest.raises(ControlPlaneStale):
        strict.guard(lambda cancelled: called.append(True))
    assert called == []
    patient.close()
    strict.close()
