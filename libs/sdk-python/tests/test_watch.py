"""The lease's watch, against a fake control plane that can replay, reorder, corrupt and
silence the SSE stream: what a lease must act on, and what it must not."""

from __future__ import annotations

import threading
from typing import Iterator, List

import pytest

from support.fake_control_plane import DEVICE, TEST_KEY, TEST_ORG, FakeControlPlane, permission
from warden_sdk import ControlPlaneStale, ExecutionDenied, Lease, PermissionUpdate, Warden, WardenApiError

WATCH = "/api/v1/devices/watch"


@pytest.fixture
def start(fake: FakeControlPlane) -> Iterator:
    leases: List[Lease] = []

    def starting(max_staleness: float = 60.0) -> Lease:
        lease = Warden(fake.url, TEST_KEY).start(DEVICE, max_staleness=max_staleness)
        leases.append(lease)
        assert fake.wait_for(lambda: len(fake._streams) >= 1, 5.0)
        return lease

    yield starting
    for lease in leases:
        lease.close()


def reason_code(lease: Lease, timeout: float = 5.0) -> str:
    assert lease.cancelled.wait(timeout), "the lease was not cancelled"
    assert lease.reason is not None
    return lease.reason.code


def test_watches_the_device_with_the_key_in_the_header(fake: FakeControlPlane, start) -> None:
    start()

    watch = [r for r in fake.requests if r.path == WATCH][0]
    assert watch.query == {"deviceId": [DEVICE]}
    assert watch.headers["x-org-key"] == TEST_KEY and watch.headers["accept"] == "text/event-stream"


def test_ignores_old_positions_other_devices_other_orgs_and_malformed_messages(fake: FakeControlPlane, start) -> None:
    lease = start()
    fake.push(permission("20", allowed=True))

    fake.push(permission("20", code="DEVICE_REVOKED"))  # not newer than 20
    fake.push(permission("15", code="DEVICE_REVOKED"))  # older
    fake.push(permission("30", deviceId="agent-2"))  # another device
    fake.push(permission("30", orgId="org-2", deviceId=None, code="ORG_SUSPENDED"))  # another org
    fake.broadcast("permission", "{not json")
    fake.broadcast("permission", '{"orgId": "org-1", "deviceId": "agent-1", "allowed": false, "code": "DEVICE_REVOKED"}')
    fake.broadcast("message", '{"orgId": "org-1", "deviceId": "agent-1", "allowed": false, "code": "X", "position": "99"}')
    fake.push(permission("21", code="LIMIT_EXCEEDED"))

    # Events of one stream are handled in order: had any earlier deny counted, it would be the reason.
    assert reason_code(lease) == "LIMIT_EXCEEDED"


def test_ignores_messages_at_or_before_the_position_of_the_allow(fake: FakeControlPlane, start) -> None:
    lease = start()  # allowed at position 10

    fake.push(permission("9", code="DEVICE_NOT_REGISTERED"))
    fake.push(permission("10", deviceId=None, code="ORG_SUSPENDED"))
    fake.push(permission("11", code="DEVICE_REVOKED"))

    assert reason_code(lease) == "DEVICE_REVOKED"


def test_an_org_wide_deny_cancels(fake: FakeControlPlane, start) -> None:
    lease = start()

    fake.push(permission("11", deviceId=None, code="ORG_SUSPENDED"))

    assert reason_code(lease) == "ORG_SUSPENDED"
    assert isinstance(lease.reason, ExecutionDenied) and "org org-1" in str(lease.reason)


def test_reconnects_when_the_stream_ends_and_acts_on_the_current_state(fake: FakeControlPlane, start) -> None:
    lease = start()
    fake.current[DEVICE] = permission("12", code="DEVICE_REVOKED")

    fake.end_streams()

    assert reason_code(lease) == "DEVICE_REVOKED"
    assert fake.count(WATCH) == 2


def test_reads_a_stream_that_is_not_chunked() -> None:
    fake = FakeControlPlane(chunked=False)
    try:
        with Warden(fake.url, TEST_KEY).start(DEVICE) as lease:
            assert fake.wait_for(lambda: len(fake._streams) >= 1, 5.0)
            fake.push(permission("11", code="DEVICE_REVOKED"))

            assert reason_code(lease) == "DEVICE_REVOKED"
    finally:
        fake.close()


def test_heartbeats_keep_a_lease_alive_and_silence_cancels_it_with_control_plane_stale(fake: FakeControlPlane, start) -> None:
    fake.start_heartbeats(0.1)
    lease = start(max_staleness=0.5)

    assert not lease.cancelled.wait(1.5), "cancelled although heartbeats kept coming"
    fake.silent = True
    fake.stop_heartbeats()

    assert reason_code(lease, timeout=3.0) == "CONTROL_PLANE_STALE"
    assert isinstance(lease.reason, ControlPlaneStale) and lease.reason.silent_for > 0.5


def test_a_connection_that_never_speaks_ends_in_control_plane_stale(fake: FakeControlPlane, start) -> None:
    fake.silent = True

    lease = start(max_staleness=0.4)

    assert reason_code(lease) == "CONTROL_PLANE_STALE"


def test_hands_each_applied_change_to_the_ack_hook_and_nothing_else(fake: FakeControlPlane, start, monkeypatch: pytest.MonkeyPatch) -> None:
    applied: List[PermissionUpdate] = []
    last_applied = threading.Event()

    stops: List[object] = []

    def hook(self: Lease, update: PermissionUpdate, received_at: str, stopped_at: object) -> None:
        applied.append(update)
        stops.append(stopped_at)
        if update.position == 12:
            last_applied.set()

    monkeypatch.setattr(Lease, "_permission_change_applied", hook)
    lease = start()

    fake.push(permission("9", code="DEVICE_REVOKED"))  # before the allow: not applied
    fake.push(permission("11", allowed=True))
    fake.push(permission("12", code="DEVICE_REVOKED"))

    assert last_applied.wait(5.0)
    assert lease.reason is not None and lease.reason.code == "DEVICE_REVOKED"  # applied: cancelled before the hook
    assert [(u.position, u.allowed, u.code) for u in applied] == [(11, True, "ALLOW"), (12, False, "DEVICE_REVOKED")]
    assert applied[0] == PermissionUpdate(TEST_ORG, DEVICE, True, "ALLOW", 11)
    assert stops[0] is None and isinstance(stops[1], str)  # a deny is acknowledged with when it stopped


def test_start_fails_and_leaves_no_lease_when_the_watch_cannot_be_opened(fake: FakeControlPlane) -> None:
    fake.answers["GET /api/v1/devices/watch"] = (401, {"status": "error", "error": "invalid_key", "message": "key revoked"})

    with pytest.raises(WardenApiError) as raised:
        Warden(fake.url, TEST_KEY).start(DEVICE)

    assert (raised.value.status, raised.value.code) == (401, "invalid_key")
    assert not [t for t in threading.enumerate() if t.name == f"warden-staleness:{DEVICE}" and t.is_alive()]
