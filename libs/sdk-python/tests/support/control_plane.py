"""The real control plane as a child process (``node scripts/start.mjs``: builds if needed,
then runs), on 127.0.0.1, a random port and a temporary data dir. The Python twin of
test/support/control-plane.process.ts."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import threading
from pathlib import Path
from typing import List, Optional

REPO_ROOT = Path(__file__).resolve().parents[4]
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:(\d+))")
# A cold start builds the control plane first (npx nest build: about a minute on a busy machine).
START_TIMEOUT = 600.0


class ControlPlane:
    def __init__(self, process: subprocess.Popen, admin_token: str, data_dir: Path) -> None:
        self.process = process
        self.admin_token = admin_token
        self.data_dir = data_dir
        self.output: List[str] = []
        self.url = ""
        self._listening = threading.Event()
        self._reader = threading.Thread(target=self._read, name="control-plane-output", daemon=True)
        self._reader.start()

    @classmethod
    def start(cls, data_dir: Path, extra_env: Optional[dict] = None) -> "ControlPlane":
        admin_token = secrets.token_hex(16)
        env = dict(os.environ)
        env.update(
            WARDEN_HTTP_HOST="127.0.0.1",
            WARDEN_HTTP_PORT="0",
            WARDEN_DATA_DIR=str(data_dir),
            WARDEN_ADMIN_TOKEN=admin_token,
            WARDEN_LOG_LEVEL="info",
        )
        env.pop("NATS_URL", None)
        env.update(extra_env or {})
        process = subprocess.Popen(
            ["node", str(REPO_ROOT / "scripts" / "start.mjs")],
            cwd=str(REPO_ROOT),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        plane = cls(process, admin_token, data_dir)
        if not plane._listening.wait(START_TIMEOUT) or not plane.url:
            plane.stop()
            raise RuntimeError("control plane did not start:\n" + "\n".join(plane.output[-40:]))
        return plane

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, timeout: float = 20.0) -> Optional[int]:
        """SIGTERM (start.mjs forwards it to the control plane) and wait; SIGKILL to our own
        child only if it does not exit in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self._reader.join(5)
        return self.process.returncode

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip("\n"))
            match = LISTENING.search(line)
            if match and not self._listening.is_set():
                self.url = match.group(1)
                self._listening.set()
        self._listening.set()  # exited: wake the starter, which finds no url
