"""Lease heartbeats (orgs with leases: the validate answer carries leaseTtlSeconds), against
the fake control plane: the heartbeat route (POST devices/heartbeat) is built on another
branch. The conformance scenario "an org with leases" runs the same against the real one."""

from __future__ import annotations

import logging
import threading
from typing import Iterator, List

import pytest

from support.fake_control_plane import DEVICE, TEST_KEY, FakeControlPlane, allow
from warden_sdk import ExecutionDenied, Lease, Warden, WardenApiError

HEARTBEAT = "/api/v1/devices/heartbeat"
TTL = 0.3  # seconds: heartbeats every 0.1 s


@pytest.fixture
def leased(fake: FakeControlPlane) -> FakeControlPlane:
    fake.answers["POST /api/v1/devices/validate"] = (200, allow("10", leaseTtlSeconds=TTL))
    return fake


@pytest.fixture
def start(fake: FakeControlPlane) -> Iterator:
    leases: List[Lease] = []

    def starting() -> Lease:
        lease = Warden(fake.url, TEST_KEY).start(DEVICE)
        leases.append(lease)
        return lease

    yield starting
    for lease in leases:
        lease.close()


def test_heartbeats_every_third_of_the_ttl_with_the_device_id(leased: FakeControlPlane, start) -> None:
    lease = start()

    assert lease.lease_ttl_seconds == TTL
    assert leased.wait_for_count(HEARTBEAT, 3, timeout=3.0)
    beats = [r for r in leased.requests if r.path == HEARTBEAT]
    assert all(r.method == "POST" and r.body == {"deviceId": DEVICE} and r.headers["x-org-key"] == TEST_KEY for r in beats)
    assert lease.active


def test_takes_the_ttl_from_the_registration_when_the_validation_has_none(fake: FakeControlPlane, start) -> None:
    fake.answers["POST /api/v1/devices/register"] = (200, {"status": "ok", "deviceId": DEVICE, "leaseTtlSeconds": TTL})

    lease = start()

    assert lease.lease_ttl_seconds == TTL
    assert fake.wait_for_count(HEARTBEAT, 1, timeout=3.0)


def test_stops_heartbeating_when_the_lease_closes(leased: FakeControlPlane, start) -> None:
    lease = start()
    assert leased.wait_for_count(HEARTBEAT, 1, timeout=3.0)

    lease.close()
    sent = leased.count(HEARTBEAT)

    assert not leased.wait_for_count(HEARTBEAT, sent + 1, timeout=3 * TTL), "a heartbeat after close"


@pytest.mark.parametrize("code", ["LEASE_EXPIRED", "DEVICE_NOT_REGISTERED"])
def test_a_403_deny_cancels_the_lease_with_its_code(leased: FakeControlPlane, start, code: str) -> None:
    leased.answers["POST /api/v1/devices/heartbeat"] = (403, {"status": "error", "error": code, "message": "lease expired"})

    lease = start()

    assert lease.cancelled.wait(3.0)
    assert isinstance(lease.reason, ExecutionDenied) and lease.reason.code == code
    sent = leased.count(HEARTBEAT)
    assert not leased.wait_for_count(HEARTBEAT, sent + 1, timeout=3 * TTL), "heartbeats went on after the deny"


def test_an_answer_that_is_not_allowed_cancels_the_lease(leased: FakeControlPlane, start) -> None:
    leased.answers["POST /api/v1/devices/heartbeat"] = (200, {"status": "ok", "allowed": False, "code": "DEVICE_LOCKED", "position": "11"})

    lease = start()

    assert lease.cancelled.wait(3.0)
    assert lease.reason is not None and lease.reason.code == "DEVICE_LOCKED"


def test_a_failed_heartbeat_is_logged_and_retried_without_ending_the_lease(
    leased: FakeControlPlane, start, caplog: pytest.LogCaptureFixture
) -> None:
    leased.answers["POST /api/v1/devices/heartbeat"] = (503, {"status": "error", "error": "ledger_unavailable", "message": "down"})

    lease = start()

    assert leased.wait_for_count(HEARTBEAT, 3, timeout=3.0)
    assert lease.active
    warnings = [r.getMessage() for r in caplog.records if r.name == "warden_sdk" and r.levelno == logging.WARNING]
    assert any("heartbeat of agent-1 failed (ledger_unavailable)" in w for w in warnings)


def test_no_lease_ttl_means_no_heartbeats(fake: FakeControlPlane, start) -> None:
    lease = start()

    assert lease.lease_ttl_seconds is None and lease._heartbeats is None
    assert not [t for t in threading.enumerate() if t.name.startswith("warden-heartbeat:")]


class TestRawHeartbeat:
    def test_a_deny_is_an_answer(self, fake: FakeControlPlane) -> None:
        fake.answers["POST /api/v1/devices/heartbeat"] = (403, {"status": "error", "error": "LEASE_EXPIRED", "message": "expired"})

        assert Warden(fake.url, TEST_KEY).heartbeat(DEVICE)["error"] == "LEASE_EXPIRED"

    def test_an_error_that_is_not_a_decision_raises(self, fake: FakeControlPlane) -> None:
        fake.answers["POST /api/v1/devices/heartbeat"] = (403, {"status": "error", "error": "forbidden_scope", "message": "no"})

        with pytest.raises(WardenApiError) as raised:
            Warden(fake.url, TEST_KEY).heartbeat(DEVICE)

        assert (raised.value.status, raised.value.code) == (403, "forbidden_scope")
