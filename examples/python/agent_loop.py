"""A tool-calling agent loop under a warden lease: plain Python, no framework.

    WARDEN_URL=http://127.0.0.1:8080 WARDEN_ORG_KEY=org_... python3 examples/python/agent_loop.py

The "model" is scripted (a stand-in for an LLM that answers tool calls); everything else is
what a real loop does. Every tool call is guarded: validated over HTTP before it runs, never
run when the lease has ended. The long tool polls the lease's ``cancelled`` event, so a revoke
stops it in the middle, within milliseconds of the push. From another shell:

    curl -s -X POST "$WARDEN_URL/api/v1/devices/revoke" -H "x-org-key: $WARDEN_ORG_KEY" \\
      -H 'content-type: application/json' -d '{"deviceId":"agent-01"}'

Environment: AGENT_ID (default agent-01), AGENT_TOOL_SECONDS (how long the long tool works,
default 20). Exit codes: 0 task done, 1 refused at start, 3 stopped by the control plane.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

try:
    from warden_sdk import ExecutionDenied, Warden, WardenError
except ImportError:  # running from a checkout without `pip install ./libs/sdk-python`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "libs", "sdk-python", "src"))
    from warden_sdk import ExecutionDenied, Warden, WardenError

AGENT_ID = os.environ.get("AGENT_ID", "agent-01")
TOOL_SECONDS = float(os.environ.get("AGENT_TOOL_SECONDS", "20"))

ToolCall = Tuple[str, Dict[str, Any]]


class ToolInterrupted(Exception):
    """A tool saw the lease's cancelled event and stopped where it was."""


def say(message: str) -> None:
    print(f"[{AGENT_ID}] {message}", flush=True)


# -- tools: each takes the lease's cancelled event and honours it --------------------------------


def search_docs(cancelled: threading.Event, query: str) -> str:
    return f"3 documents about {query!r}"


def analyze_logs(cancelled: threading.Event, service: str) -> str:
    """The long one: works in slices and looks at `cancelled` between them."""
    say(f"tool analyze_logs started on {service} ({TOOL_SECONDS:g} s of work)")
    started = time.monotonic()
    while time.monotonic() - started < TOOL_SECONDS:
        if cancelled.wait(0.05):  # one slice of work, interruptible
            raise ToolInterrupted(f"analyze_logs interrupted after {time.monotonic() - started:.2f} s")
    return f"{service}: 2 error bursts, both after deploys"


def write_report(cancelled: threading.Event, text: str) -> str:
    say(f"report written: {text}")
    return "ok"


TOOLS: Dict[str, Callable[..., str]] = {"search_docs": search_docs, "analyze_logs": analyze_logs, "write_report": write_report}


def model(history: List[Tuple[ToolCall, str]]) -> Optional[ToolCall]:
    """The scripted stand-in for an LLM: the next tool call, or None when the task is done."""
    plan: List[ToolCall] = [
        ("search_docs", {"query": "checkout latency"}),
        ("analyze_logs", {"service": "checkout"}),
        ("write_report", {"text": "checkout latency follows deploys"}),
    ]
    return plan[len(history)] if len(history) < len(plan) else None


def main() -> int:
    try:
        warden = Warden.from_env()
        lease = warden.start(AGENT_ID, labels={"role": "agent"}, max_staleness=10.0)
    except ExecutionDenied as denied:
        say(f"refused to start: {denied.code}")
        return 1
    except WardenError as error:
        say(f"refused to start: {error}")
        return 1
    say("allowed to work")
    history: List[Tuple[ToolCall, str]] = []
    with lease:
        try:
            while True:
                call = model(history)
                if call is None:
                    say("task done")
                    return 0
                name, args = call
                say(f"calling {name}({args})")
                result = lease.guard(lambda cancelled: TOOLS[name](cancelled, **args))
                say(f"{name} -> {result}")
                history.append((call, result))
        except ToolInterrupted as interrupted:
            code = lease.reason.code if lease.reason else "UNKNOWN"
            say(f"STOPPED mid-tool by the control plane: {code} ({interrupted})")
            return 3
        except ExecutionDenied as denied:
            say(f"STOPPED before a tool call by the control plane: {denied.code}")
            return 3


if __name__ == "__main__":
    sys.exit(main())
