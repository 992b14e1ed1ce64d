"""A queue worker under a warden lease: plain Python.

    WARDEN_URL=http://127.0.0.1:8080 WARDEN_ORG_KEY=org_... python3 examples/python/worker.py

It validates at startup (no lease, no work), before each job, and again before each job's side
effect (publishing the result), so a revoke that lands mid-job stops the write. A job that was
interrupted goes back on the queue for another worker. The queue here is an in-process
stand-in for a real one (SQS, Redis, RabbitMQ): get, ack, nack.

Environment: WORKER_ID (default worker-1), WORKER_JOBS (demo jobs, default 20),
WORKER_JOB_SECONDS (work per job, default 0.5). Exit codes: 0 queue drained, 1 refused at
start, 3 stopped by the control plane.
"""

from __future__ import annotations

import os
import queue
import sys
import threading

try:
    from warden_sdk import ExecutionDenied, Warden, WardenError
except ImportError:  # running from a checkout without `pip install ./libs/sdk-python`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "libs", "sdk-python", "src"))
    from warden_sdk import ExecutionDenied, Warden, WardenError

WORKER_ID = os.environ.get("WORKER_ID", "worker-1")
JOB_SECONDS = float(os.environ.get("WORKER_JOB_SECONDS", "0.5"))


class JobInterrupted(Exception):
    pass


def say(message: str) -> None:
    print(f"[{WORKER_ID}] {message}", flush=True)


def process(job: int, cancelled: threading.Event) -> int:
    """Stand-in for real work; waiting on `cancelled` makes it stop the moment of a revoke."""
    if cancelled.wait(JOB_SECONDS):
        raise JobInterrupted(f"job {job} interrupted")
    return job * job


def main() -> int:
    jobs: "queue.Queue[int]" = queue.Queue()
    for job in range(1, int(os.environ.get("WORKER_JOBS", "20")) + 1):
        jobs.put(job)
    try:
        lease = Warden.from_env().start(WORKER_ID, labels={"role": "worker"}, max_staleness=10.0)
    except (ExecutionDenied, WardenError) as error:
        say(f"refused to start: {getattr(error, 'code', '')} {error}")
        return 1
    say("allowed to work")
    done = 0
    with lease:
        while True:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                say(f"queue drained: {done} jobs done")
                return 0
            try:
                result = lease.guard(lambda cancelled: process(job, cancelled))
                lease.guard(lambda cancelled: say(f"job {job}: published {result}"))  # the side effect
                done += 1
            except (ExecutionDenied, JobInterrupted):
                jobs.put(job)  # nack: another worker takes it
                code = lease.reason.code if lease.reason else "UNKNOWN"
                say(f"stopped by the control plane: {code}; job {job} back on the queue, {done} jobs done")
                return 3


if __name__ == "__main__":
    sys.exit(main())
