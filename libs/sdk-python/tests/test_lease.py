"""Warden.start and the lease, against the real control plane: startup enforcement, pushed
revocations, guard, close."""

from __future__ import annotations

import threading
import time
from typing import List

import pytest

from support.operator import Org
from warden_sdk import ExecutionDenied, LeaseClosed, Warden, WardenApiError, WardenConfigError, WardenUnavailable

PUSH_BUDGET = 1.0  # seconds from an acknowledged revoke to a set `cancelled`


class TestStart:
    def test_registers_validates_and_holds_the_lease(self, warden: Warden, org: Org) -> None:
        with warden.start("lease-1", labels={"team": "billing"}) as lease:
            assert lease.active and not lease.cancelled.is_set() and lease.reason is None
            assert (lease.device_id, lease.org_id) == ("lease-1", org.org_id)
            assert lease.decision.allowed and lease.decision.code == "ALLOW" and lease.decision.position is not None
            assert lease.lease_ttl_seconds is None  # this org has no lease policy: no heartbeats
            devices = warden.list_devices()["devices"]
            assert [(d["deviceId"], d["labels"]) for d in devices] == [("lease-1", {"team": "billing"})]

    def test_refuses_a_revoked_device_with_its_code(self, warden: Warden, org: Org) -> None:
        warden.register("lease-2")
        org.revoke("lease-2")

        with pytest.raises(ExecutionDenied) as raised:
            warden.start("lease-2")

        assert raised.value.code == "DEVICE_REVOKED"

    def test_refuses_a_registration_beyond_the_cap_with_limit_exceeded(self, warden: Warden, org: Org) -> None:
        org.set_limit(1)
        warden.register("lease-3a")

        with pytest.raises(ExecutionDenied) as raised:
            warden.start("lease-3b")

        assert raised.value.code == "LIMIT_EXCEEDED"

    def test_refuses_when_the_org_is_suspended(self, warden: Warden, org: Org) -> None:
        org.suspend()

        with pytest.raises(ExecutionDenied) as raised:
            warden.start("lease-4")

        assert raised.value.code == "ORG_SUSPENDED"

    def test_refuses_a_device_denied_at_validation(self, warden: Warden, org: Org) -> None:
        warden.register("lease-5a")
        warden.register("lease-5b")
        org.set_limit(1)  # the newest registration beyond the cap is denied, but registered

        with pytest.raises(ExecutionDenied) as raised:
            warden.start("lease-5b")

        assert raised.value.code == "LIMIT_EXCEEDED"

    def test_raises_unavailable_when_the_control_plane_cannot_be_reached(self, org: Org) -> None:
        with pytest.raises(WardenUnavailable):
            Warden("http://127.0.0.1:1", org.key, timeout=1.0).start("lease-6")

    def test_raises_an_api_error_for_a_bad_key(self, org: Org) -> None:
        with pytest.raises(WardenApiError) as raised:
            Warden(org.url, "org_wrong_key_for_this_test").start("lease-7")

        assert raised.value.status == 401

    def test_refuses_a_bad_max_staleness(self, warden: Warden) -> None:
        with pytest.raises(WardenConfigError):
            warden.start("lease-8", max_staleness=0)

    def test_works_with_a_runtime_key(self, org: Org) -> None:
        with Warden(org.url, org.issue_runtime_key()).start("lease-9") as lease:
            assert lease.guard(lambda cancelled: "worked") == "worked"


class TestPushedDenies:
    def test_a_revoke_sets_cancelled_within_a_second(self, warden: Warden, org: Org) -> None:
        with warden.start("push-1") as lease:
            org.revoke("push-1")
            revoked_at = time.monotonic()

            assert lease.cancelled.wait(PUSH_BUDGET), "no cancellation within a second of the revoke"
            took = time.monotonic() - revoked_at
            assert isinstance(lease.reason, ExecutionDenied) and not isinstance(lease.reason, LeaseClosed)
            assert lease.reason.code == "DEVICE_REVOKED"
            assert not lease.active
            assert took < PUSH_BUDGET

    def test_a_suspend_cancels_with_org_suspended(self, warden: Warden, org: Org) -> None:
        with warden.start("push-2") as lease:
            org.suspend()

            assert lease.cancelled.wait(PUSH_BUDGET)
            assert lease.reason is not None and lease.reason.code == "ORG_SUSPENDED"

    def test_a_cancelled_lease_stays_cancelled_after_a_restore(self, warden: Warden, org: Org) -> None:
        with warden.start("push-3") as lease:
            org.revoke("push-3")
            assert lease.cancelled.wait(PUSH_BUDGET)
            org.unrevoke("push-3")

            assert lease.reason is not None and lease.reason.code == "DEVICE_REVOKED"
            with pytest.raises(ExecutionDenied):
                lease.guard(lambda cancelled: None)

    def test_leases_of_other_devices_are_not_touched(self, warden: Warden, org: Org) -> None:
        with warden.start("push-4a") as kept, warden.start("push-4b") as revoked:
            org.revoke("push-4b")

            assert revoked.cancelled.wait(PUSH_BUDGET)
            assert kept.guard(lambda cancelled: "still working") == "still working"
            assert kept.active


class TestGuard:
    def test_validates_then_calls_fn_with_the_cancelled_event_and_returns_its_result(self, warden: Warden) -> None:
        with warden.start("guard-1") as lease:
            seen: List[threading.Event] = []

            result = lease.guard(lambda cancelled: seen.append(cancelled) or 42)

            assert result == 42 and seen == [lease.cancelled]

    def test_a_revoke_not_yet_pushed_is_caught_by_the_validation_and_ends_the_lease(self, warden: Warden, org: Org) -> None:
        with warden.start("guard-2") as lease:
            org.revoke("guard-2")
            called: List[bool] = []

            with pytest.raises(ExecutionDenied) as raised:
                lease.guard(lambda cancelled: called.append(True))

            assert raised.value.code == "DEVICE_REVOKED" and called == []
            assert lease.cancelled.is_set() and lease.reason is not None and lease.reason.code == "DEVICE_REVOKED"

    def test_never_calls_fn_once_the_lease_is_cancelled(self, warden: Warden, org: Org) -> None:
        with warden.start("guard-3") as lease:
            org.revoke("guard-3")
            assert lease.cancelled.wait(PUSH_BUDGET)
            called: List[bool] = []

            with pytest.raises(ExecutionDenied) as raised:
                lease.guard(lambda cancelled: called.append(True))

            assert raised.value is lease.reason and called == []

    def test_exceptions_of_fn_pass_through_and_leave_the_lease_active(self, warden: Warden) -> None:
        def fails(cancelled: threading.Event) -> None:
            raise ValueError("tool failed")

        with warden.start("guard-4") as lease:
            with pytest.raises(ValueError, match="tool failed"):
                lease.guard(fails)
            assert lease.active


class TestClose:
    def test_close_cancels_with_lease_closed_and_is_idempotent(self, warden: Warden) -> None:
        lease = warden.start("close-1")

        lease.close()
        lease.close()

        assert lease.cancelled.is_set() and isinstance(lease.reason, LeaseClosed) and lease.reason.code == "LEASE_CLOSED"
        with pytest.raises(LeaseClosed):
            lease.guard(lambda cancelled: None)

    def test_the_with_block_closes_the_lease_on_exit_and_on_error(self, warden: Warden) -> None:
        with warden.start("close-2") as lease:
            pass
        with pytest.raises(RuntimeError):
            with warden.start("close-3") as failing:
                raise RuntimeError("boom")

        assert isinstance(lease.reason, LeaseClosed) and isinstance(failing.reason, LeaseClosed)

    def test_a_deny_keeps_its_reason_when_the_lease_is_closed_afterwards(self, warden: Warden, org: Org) -> None:
        with warden.start("close-4") as lease:
            org.revoke("close-4")
            assert lease.cancelled.wait(PUSH_BUDGET)

        assert lease.reason is not None and lease.reason.code == "DEVICE_REVOKED"

    def test_closing_releases_the_watch_and_its_threads(self, warden: Warden) -> None:
        lease = warden.start("close-5")
        names = {t.name for t in threading.enumerate()}
        assert {"warden-watch:close-5", "warden-staleness:close-5"} <= names

        lease.close()

        alive = {t.name for t in threading.enumerate() if t.is_alive()}
        assert "warden-watch:close-5" not in alive
        assert lease._watch._thread is not None and not lease._watch._thread.is_alive()


def test_repr_says_the_device_and_state(warden: Warden) -> None:
    with warden.start("repr-1") as lease:
        assert repr(lease) == "<Lease device_id='repr-1' active>"
    assert repr(lease) == "<Lease device_id='repr-1' cancelled: LEASE_CLOSED>"

