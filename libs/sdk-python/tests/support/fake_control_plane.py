"""A stand-in control plane on 127.0.0.1 and a random port, for what the real one cannot be
made to do on demand: replayed and out-of-order positions, malformed messages, silence,
5xx answers, lease heartbeats (the heartbeat route is built on another branch). The Python
twin of libs/sdk/src/testing/fake-control-plane.ts. Tests only."""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from .secrets import remember

TEST_KEY = remember("org_fake_key_0123456789abcdef")
TEST_ORG = "org-1"
DEVICE = "agent-1"


def permission(position: str, allowed: bool = False, code: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
    message = {
        "orgId": TEST_ORG,
        "deviceId": DEVICE,
        "allowed": allowed,
        "code": code or ("ALLOW" if allowed else "DEVICE_REVOKED"),
        "position": position,
        "eventId": f"evt-{position}",
        "at": "1970-01-01T00:00:00.000Z",
    }
    message.update(fields)
    return message


def allow(position: str, **fields: Any) -> Dict[str, Any]:
    answer = {"orgId": TEST_ORG, "allowed": True, "code": "ALLOW", "request_id": "req-1", "status": "ok", "reason": "ok", "deviceId": DEVICE, "position": position}
    answer.update(fields)
    return answer


@dataclass
class Recorded:
    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Dict[str, str]
    body: Any
    raw_target: str


class FakeControlPlane:
    def __init__(self, chunked: bool = True) -> None:
        self.chunked = chunked
        self.requests: List[Recorded] = []
        self.answers: Dict[str, Tuple[int, Any]] = {
            "POST /api/v1/devices/register": (200, {"status": "ok", "handler": "register", "deviceId": DEVICE}),
            "POST /api/v1/devices/validate": (200, allow("10")),
            "POST /api/v1/devices/heartbeat": (200, {"status": "ok", "deviceId": DEVICE, "allowed": True, "code": "ALLOW", "position": "10"}),
        }
        # Canned answers per route; the watch route streams unless it has one.
        self.current: Dict[str, Dict[str, Any]] = {DEVICE: permission("10", allowed=True)}
        self.silent = False
        self._streams: List["queue.Queue[Optional[bytes]]"] = []
        self._changed = threading.Condition()
        self._beating = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-control-plane", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- knobs -------------------------------------------------------------------------------

    def push(self, message: Dict[str, Any]) -> None:
        self.broadcast("permission", json.dumps(message))

    def broadcast(self, event: str, data: str) -> None:
        frame = f"event: {event}\ndata: {data}\n\n".encode()
        with self._changed:
            for stream in self._streams:
                stream.put(frame)

    def end_streams(self) -> None:
        with self._changed:
            for stream in self._streams:
                stream.put(None)
            self._streams.clear()

    def start_heartbeats(self, interval: float) -> None:
        self._beating.set()

        def beat() -> None:
            while self._beating.is_set():
                self.broadcast("heartbeat", json.dumps({"nodeId": "fake", "at": "1970-01-01T00:00:00.000Z", "position": "10"}))
                if not self._beating.is_set():
                    return
                threading.Event().wait(interval)

        threading.Thread(target=beat, name="fake-heartbeats", daemon=True).start()

    def stop_heartbeats(self) -> None:
        self._beating.clear()

    # -- observing ---------------------------------------------------------------------------

    def count(self, path: str) -> int:
        with self._changed:
            return sum(1 for r in self.requests if r.path == path)

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Waits until ``predicate()`` holds (checked at every request and stream change)."""
        with self._changed:
            return self._changed.wait_for(predicate, timeout)

    def wait_for_count(self, path: str, count: int, timeout: float) -> bool:
        return self.wait_for(lambda: sum(1 for r in self.requests if r.path == path) >= count, timeout)

    def close(self) -> None:
        self.stop_heartbeats()
        self.end_streams()
        self._server.shutdown()
        self._server.server_close()

    def _record(self, request: Recorded) -> None:
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()

    def _open_stream(self) -> "queue.Queue[Optional[bytes]]":
        stream: "queue.Queue[Optional[bytes]]" = queue.Queue()
        with self._changed:
            self._streams.append(stream)
            self._changed.notify_all()
        return stream


def _handler_for(fake: FakeControlPlane) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def _handle(self, method: str) -> None:
            target = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake._record(Recorded(method, target.path, parse_qs(target.query), headers, body, self.path))
            watch_answer = fake.answers.get("GET /api/v1/devices/watch")
            if method == "GET" and target.path == "/api/v1/devices/watch" and watch_answer is None:
                self._watch(parse_qs(target.query).get("deviceId", [""])[0])
                return
            status, answer = fake.answers.get(f"{method} {target.path}", (404, {"status": "error", "error": "not_found", "message": "no such route"}))
            payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _watch(self, device_id: str) -> None:
            stream = fake._open_stream()
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            if fake.chunked:
                self.send_header("transfer-encoding", "chunked")
            else:
                self.send_header("connection", "close")
                self.close_connection = True
            self.end_headers()
            current = fake.current.get(device_id)
            try:
                if current is not None and not fake.silent:
                    self._send(f"event: permission\ndata: {json.dumps(current)}\n\n".encode())
                while True:
                    frame = stream.get()
                    if frame is None:
                        break
                    if not fake.silent:
                        self._send(frame)
                if fake.chunked:
                    self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass  # the client went away
            self.close_connection = True

        def _send(self, frame: bytes) -> None:
            if fake.chunked:
                self.wfile.write(f"{len(frame):x}\r\n".encode() + frame + b"\r\n")
            else:
                self.wfile.write(frame)
            self.wfile.flush()

    return Handler
