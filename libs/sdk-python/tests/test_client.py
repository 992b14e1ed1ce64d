"""Warden: configuration and the raw, MachineID-style calls. A refusal is an answer; error
answers raise WardenApiError, no answer raises WardenUnavailable."""

from __future__ import annotations

import socket
from typing import Iterator

import pytest

from support.fake_control_plane import TEST_KEY, FakeControlPlane
from support.operator import Org
from warden_sdk import Warden, WardenApiError, WardenConfigError, WardenUnavailable


class TestConfiguration:
    def test_from_env_reads_url_and_org_key(self) -> None:
        warden = Warden.from_env({"WARDEN_URL": "http://127.0.0.1:9/", "WARDEN_ORG_KEY": TEST_KEY, "WARDEN_TIMEOUT_MS": "2500"})

        assert (warden.base_url, warden.timeout) == ("http://127.0.0.1:9", 2.5)

    def test_from_env_falls_back_to_warden_key_and_the_default_url(self) -> None:
        warden = Warden.from_env({"WARDEN_KEY": TEST_KEY})

        assert (warden.base_url, warden.timeout) == ("http://127.0.0.1:8080", 10.0)

    def test_from_env_reads_os_environ_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("WARDEN_URL", "http://127.0.0.1:7")
        monkeypatch.setenv("WARDEN_ORG_KEY", TEST_KEY)

        assert Warden.from_env().base_url == "http://127.0.0.1:7"

    @pytest.mark.parametrize(
        "env, code",
        [
            ({}, "missing_org_key"),
            ({"WARDEN_ORG_KEY": ""}, "missing_org_key"),
            ({"WARDEN_ORG_KEY": TEST_KEY, "WARDEN_TIMEOUT_MS": "soon"}, "invalid_timeout"),
            ({"WARDEN_ORG_KEY": TEST_KEY, "WARDEN_URL": "ftp://127.0.0.1"}, "invalid_url"),
        ],
    )
    def test_from_env_refuses_bad_environments(self, env: dict, code: str) -> None:
        with pytest.raises(WardenConfigError) as raised:
            Warden.from_env(env)

        assert raised.value.code == code

    @pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), True])
    def test_a_timeout_must_be_a_positive_number(self, timeout: float) -> None:
        with pytest.raises(WardenConfigError, match="timeout"):
            Warden("http://127.0.0.1:9", TEST_KEY, timeout=timeout)


class TestRawCallsAgainstTheControlPlane:
    def test_register_answers_the_envelope_then_exists(self, warden: Warden) -> None:
        first = warden.register("raw-1", labels={"team": "billing"})
        again = warden.register("raw-1")

        assert first["status"] == "ok" and first["deviceId"] == "raw-1" and first["devicesUsed"] == 1
        assert again["status"] == "exists"

    def test_a_registration_refused_at_the_cap_is_an_answer_not_an_exception(self, warden: Warden, org: Org) -> None:
        org.set_limit(1)
        warden.register("raw-capped-1")

        refused = warden.register("raw-capped-2")

        assert refused["status"] == "limit_reached"
        assert refused["error"] == "device_limit_reached"

    def test_validate_answers_allowed_and_denied_decisions(self, warden: Warden) -> None:
        warden.register("raw-2")

        allowed = warden.validate("raw-2")
        denied = warden.validate("raw-never-registered")

        assert (allowed["allowed"], allowed["code"]) == (True, "ALLOW")
        assert (denied["allowed"], denied["code"]) == (False, "DEVICE_NOT_REGISTERED")
        assert isinstance(allowed["request_id"], str) and isinstance(allowed["position"], str)

    def test_revoke_unrevoke_remove_list_and_usage(self, warden: Warden) -> None:
        warden.register("raw-3")

        revoked = warden.revoke("raw-3", reason="runaway loop")
        denied = warden.validate("raw-3")["code"]
        restored = warden.unrevoke("raw-3")
        listed = warden.list_devices()
        usage = warden.usage()
        removed = warden.remove("raw-3")

        assert revoked["result"] == "revoked" and denied == "DEVICE_REVOKED"
        assert restored["result"] == "restored"
        assert [d["deviceId"] for d in listed["devices"]] == ["raw-3"]
        assert usage["devicesUsed"] == 1 and usage["limit"] == 25
        assert removed["status"] == "ok"
        assert warden.validate("raw-3")["code"] == "DEVICE_NOT_REGISTERED"

    def test_a_restore_beyond_the_cap_raises_with_status_403(self, warden: Warden, org: Org) -> None:
        org.set_limit(1)
        warden.register("raw-cap-a")
        warden.revoke("raw-cap-a")
        warden.register("raw-cap-b")

        with pytest.raises(WardenApiError) as raised:
            warden.unrevoke("raw-cap-a")

        assert (raised.value.status, raised.value.code) == (403, "device_limit_reached")

    def test_a_bad_key_raises_with_status_401(self, org: Org) -> None:
        with pytest.raises(WardenApiError) as raised:
            Warden(org.url, "org_not_a_real_key").validate("raw-4")

        assert (raised.value.status, raised.value.code) == (401, "invalid_key")

    def test_bad_input_raises_with_status_400(self, warden: Warden) -> None:
        with pytest.raises(WardenApiError) as raised:
            warden.register("spaces are not allowed")

        assert (raised.value.status, raised.value.code) == (400, "invalid_request")

    def test_an_unknown_device_raises_with_status_404_on_revoke(self, warden: Warden) -> None:
        with pytest.raises(WardenApiError) as raised:
            warden.revoke("raw-unknown")

        assert (raised.value.status, raised.value.code) == (404, "device_not_found")

    def test_a_runtime_key_cannot_revoke(self, warden: Warden, org: Org) -> None:
        warden.register("raw-5")
        runtime = Warden(org.url, org.issue_runtime_key())

        assert runtime.validate("raw-5")["allowed"] is True
        with pytest.raises(WardenApiError) as raised:
            runtime.revoke("raw-5")
        assert (raised.value.status, raised.value.code) == (403, "forbidden_scope")


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections (in the backlog) and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield int(s.getsockname()[1])


class TestFailures:
    def test_no_server_raises_unavailable(self, closed_port: int) -> None:
        with pytest.raises(WardenUnavailable) as raised:
            Warden(f"http://127.0.0.1:{closed_port}", TEST_KEY).validate("x")

        assert raised.value.code == "unavailable"
        assert "devices/validate" in str(raised.value) and "refused" in str(raised.value).lower()

    def test_no_answer_in_time_raises_unavailable(self, silent_server: int) -> None:
        with pytest.raises(WardenUnavailable, match="no answer within 0.3 s"):
            Warden(f"http://127.0.0.1:{silent_server}", TEST_KEY, timeout=0.3).validate("x")

    def test_a_5xx_answer_raises_with_its_status_and_code(self, fake: FakeControlPlane) -> None:
        fake.answers["POST /api/v1/devices/validate"] = (503, {"status": "error", "error": "ledger_unavailable", "message": "ledger down"})

        with pytest.raises(WardenApiError) as raised:
            Warden(fake.url, TEST_KEY).validate("agent-1")

        assert (raised.value.status, raised.value.code) == (503, "ledger_unavailable")
        assert "ledger down" in str(raised.value)

    def test_an_answer_that_is_not_a_json_object_raises(self, fake: FakeControlPlane) -> None:
        fake.answers["GET /api/v1/usage"] = (200, b"<html>proxy</html>")

        with pytest.raises(WardenApiError) as raised:
            Warden(fake.url, TEST_KEY).usage()

        assert raised.value.code == "invalid_response"

    def test_the_key_travels_in_the_header_never_in_the_url(self, fake: FakeControlPlane) -> None:
        warden = Warden(fake.url, TEST_KEY)
        warden.register("agent-1")
        warden.validate("agent-1")
        with warden.start("agent-1"):
            pass

        assert [r.path for r in fake.requests] == ["/api/v1/devices/register", "/api/v1/devices/validate"] * 2 + ["/api/v1/devices/watch"]
        assert all(r.headers["x-org-key"] == TEST_KEY for r in fake.requests)
        assert all(TEST_KEY not in r.raw_target for r in fake.requests)
