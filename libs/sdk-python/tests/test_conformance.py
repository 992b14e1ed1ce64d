"""SDK conformance (libs/sdk-conformance): every scenario of scenarios.json, run in order
against a real control plane, with the step semantics of the README beside it. The TypeScript
SDK's suite runs the same file."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Type

import pytest

from support.control_plane import REPO_ROOT, ControlPlane
from support.operator import Org, create_org
from warden_sdk import ControlPlaneStale, ExecutionDenied, Lease, LeaseClosed, Warden

SCENARIO_FILE = REPO_ROOT / "libs" / "sdk-conformance" / "scenarios.json"
SCENARIOS: List[Dict[str, Any]] = json.loads(SCENARIO_FILE.read_text())["scenarios"]
ERRORS: Dict[str, Type[ExecutionDenied]] = {"ExecutionDenied": ExecutionDenied, "ControlPlaneStale": ControlPlaneStale, "LeaseClosed": LeaseClosed}
Step = Dict[str, Any]


class ScenarioRunner:
    """Runs the steps of one scenario: one SDK client with the org's admin key, one lease at a time."""

    def __init__(self, plane: ControlPlane, org: Org) -> None:
        self.plane = plane
        self.org = org
        self.warden = Warden(org.url, org.key, timeout=5.0)
        self.lease: Optional[Lease] = None

    def run(self, step: Step) -> None:
        expect: Dict[str, Any] = step.get("expect", {})
        if "sdk" in step:
            getattr(self, f"sdk_{step['sdk']}")(step, expect)
        elif "operator" in step:
            getattr(self, f"operator_{step['operator']}")(step, expect)
        elif "wait" in step:
            time.sleep(step["wait"]["ms"] / 1000)  # the scenario is about time passing
        else:
            raise AssertionError(f"unknown step {step}")

    def close(self) -> None:
        if self.lease is not None:
            self.lease.close()
        self.warden.close()

    # -- sdk steps ---------------------------------------------------------------------------

    def sdk_start(self, step: Step, expect: Dict[str, Any]) -> None:
        if self.lease is not None:
            self.lease.close()
            self.lease = None
        staleness = step["maxStalenessMs"] / 1000 if "maxStalenessMs" in step else 15.0
        start = lambda: self.warden.start(step["deviceId"], labels=step.get("labels"), max_staleness=staleness)  # noqa: E731
        if "raises" in expect:
            with pytest.raises(ERRORS[expect["raises"]]) as raised:
                start()
            assert raised.value.code == expect["code"]
            return
        self.lease = start()
        assert self.lease.active == expect.get("active", True)

    def sdk_guard(self, step: Step, expect: Dict[str, Any]) -> None:
        lease = self.current()
        called: List[bool] = []
        if "raises" in expect:
            with pytest.raises(ERRORS[expect["raises"]]) as raised:
                lease.guard(lambda cancelled: called.append(True))
            if "code" in expect:
                assert raised.value.code == expect["code"]
        else:
            lease.guard(lambda cancelled: called.append(True))
        assert bool(called) == expect["called"]

    def sdk_awaitCancelled(self, step: Step, expect: Dict[str, Any]) -> None:
        lease = self.current()
        assert lease.cancelled.wait(step["withinMs"] / 1000), f"not cancelled within {step['withinMs']} ms"
        reason = lease.reason
        assert reason is not None and reason.code == expect["code"], f"reason {reason!r}"
        if "error" in expect:
            assert type(reason).__name__ == expect["error"]

    def sdk_expectActive(self, step: Step, expect: Dict[str, Any]) -> None:
        lease = self.current()
        assert lease.active, f"the lease ended: {lease.reason!r}"

    def sdk_close(self, step: Step, expect: Dict[str, Any]) -> None:
        lease = self.current()
        lease.close()
        assert lease.reason is not None and lease.reason.code == expect.get("code", "LEASE_CLOSED")

    def current(self) -> Lease:
        assert self.lease is not None, "no lease was started"
        return self.lease

    # -- operator steps ------------------------------------------------------------------------

    def operator_revoke(self, step: Step, expect: Dict[str, Any]) -> None:
        self.org.revoke(step["deviceId"])

    def operator_unrevoke(self, step: Step, expect: Dict[str, Any]) -> None:
        self.org.unrevoke(step["deviceId"])

    def operator_suspend(self, step: Step, expect: Dict[str, Any]) -> None:
        self.org.suspend()

    def operator_resume(self, step: Step, expect: Dict[str, Any]) -> None:
        self.org.resume()

    def operator_lock(self, step: Step, expect: Dict[str, Any]) -> None:
        self.org.lock(step["labels"])

    def operator_validate(self, step: Step, expect: Dict[str, Any]) -> None:
        answer = self.org.validate(step["deviceId"])
        if "code" in expect:
            assert answer["code"] == expect["code"], f"validate answered {answer}"

    def operator_stopControlPlane(self, step: Step, expect: Dict[str, Any]) -> None:
        self.plane.stop()


def stops_the_control_plane(scenario: Dict[str, Any]) -> bool:
    return any(step.get("operator") == "stopControlPlane" for step in scenario["steps"])


def test_the_scenario_file_has_scenarios() -> None:
    assert len(SCENARIOS) >= 8 and len({s["name"] for s in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_conformance(scenario: Dict[str, Any], request: pytest.FixtureRequest, tmp_path: Path) -> None:
    own = stops_the_control_plane(scenario)
    plane: ControlPlane = ControlPlane.start(tmp_path / "warden-data") if own else request.getfixturevalue("control_plane")
    runner: Optional[ScenarioRunner] = None
    try:
        org = create_org(plane.url, plane.admin_token)
        ttl = scenario.get("org", {}).get("leaseTtlSeconds")
        if ttl is not None:
            org.set_lease_policy(ttl)
        runner = ScenarioRunner(plane, org)
        for number, step in enumerate(scenario["steps"], start=1):
            try:
                runner.run(step)
            except AssertionError as failure:
                raise AssertionError(f"step {number} {json.dumps(step)}: {failure}") from failure
    finally:
        if runner is not None:
            runner.close()
        if own:
            plane.stop()
