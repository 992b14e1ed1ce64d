"""The examples run as a user runs them (a subprocess with WARDEN_URL and WARDEN_ORG_KEY) against
the real control plane; a revoke during the agent's long tool call stops it mid-call."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from typing import Dict, List

from support.control_plane import REPO_ROOT
from support.operator import Org

EXAMPLES = REPO_ROOT / "examples" / "python"


class Run:
    """A running example whose output lines can be awaited."""

    def __init__(self, script: str, org: Org, env: Dict[str, str]) -> None:
        full_env = {**os.environ, "WARDEN_URL": org.url, "WARDEN_ORG_KEY": org.key, "PYTHONUNBUFFERED": "1", **env}
        full_env.pop("PYTHONPATH", None)  # the example must find the SDK by itself
        self.process = subprocess.Popen(
            [sys.executable, str(EXAMPLES / script)], env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: List[str] = []
        self._new: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)

    def wait_for_line(self, text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        for line in list(self.lines):
            if text in line:
                return line
        while time.monotonic() < deadline:
            try:
                line = self._new.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {timeout} s; output:\n" + "\n".join(self.lines))

    def finish(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(5)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def test_a_revoke_during_the_long_tool_call_stops_the_agent_mid_call(org: Org) -> None:
    agent = Run("agent_loop.py", org, {"AGENT_ID": "example-agent", "AGENT_TOOL_SECONDS": "120"})
    agent.wait_for_line("tool analyze_logs started", timeout=30)

    org.revoke("example-agent")
    revoked_at = time.monotonic()
    code = agent.finish(timeout=30)
    stopped_after = time.monotonic() - revoked_at

    assert code == 3, agent.output
    assert "STOPPED mid-tool by the control plane: DEVICE_REVOKED (analyze_logs interrupted after" in agent.output
    assert "analyze_logs ->" not in agent.output and "report written" not in agent.output
    assert stopped_after < 5, f"took {stopped_after:.1f} s to stop a tool with 120 s of work"
    assert org.key not in agent.output


def test_the_agent_finishes_its_task_when_left_alone(org: Org) -> None:
    agent = Run("agent_loop.py", org, {"AGENT_ID": "example-agent-2", "AGENT_TOOL_SECONDS": "0.2"})

    assert agent.finish(timeout=30) == 0, agent.output
    assert [line for line in agent.lines if "calling" in line] == [
        "[example-agent-2] calling search_docs({'query': 'checkout latency'})",
        "[example-agent-2] calling analyze_logs({'service': 'checkout'})",
        "[example-agent-2] calling write_report({'text': 'checkout latency follows deploys'})",
    ]
    assert agent.lines[-1] == "[example-agent-2] task done"


def test_the_agent_refuses_to_start_when_revoked(org: Org) -> None:
    org.call("POST", "devices/register", {"deviceId": "example-agent-3"})
    org.revoke("example-agent-3")

    agent = Run("agent_loop.py", org, {"AGENT_ID": "example-agent-3"})

    assert agent.finish(timeout=30) == 1
    assert agent.lines == ["[example-agent-3] refused to start: DEVICE_REVOKED"]


def test_the_worker_drains_its_queue(org: Org) -> None:
    worker = Run("worker.py", org, {"WORKER_ID": "example-worker", "WORKER_JOBS": "3", "WORKER_JOB_SECONDS": "0.01"})

    assert worker.finish(timeout=30) == 0, worker.output
    assert [line for line in worker.lines if "published" in line] == [f"[example-worker] job {n}: published {n * n}" for n in (1, 2, 3)]
    assert worker.lines[-1] == "[example-worker] queue drained: 3 jobs done"


def test_a_revoke_stops_the_worker_and_puts_the_job_back(org: Org) -> None:
    worker = Run("worker.py", org, {"WORKER_ID": "example-worker-2", "WORKER_JOBS": "1000", "WORKER_JOB_SECONDS": "0.2"})
    worker.wait_for_line("job 1: published", timeout=30)

    org.revoke("example-worker-2")

    assert worker.finish(timeout=30) == 3, worker.output
    assert "stopped by the control plane: DEVICE_REVOKED; job" in worker.lines[-1] and "back on the queue" in worker.lines[-1]
