"""An HTTP/1.1 proxy on 127.0.0.1 in front of an S3 server that fails some requests as a
throttled or flaky service does: it answers them itself with S3's `503 SlowDown` (or, as a
service without that API, `501 NotImplemented`), or closes their connection once it has read
them (the request never reaches the server).

`fault(number, method, target)` decides, for each request in the order they arrive (numbered
from 0): None passes it on, "slowdown", "notimplemented" or "drop" fails it. It can be changed
at any time.

    with FaultProxy(upstream_port, fault) as proxy:
        ... talk to proxy.url ...
        proxy.counts  # Counter of "passed" and each kind of fault

Clients of S3 (botocore, urllib3) send one request at a time on a connection and wait for its
answer, so the proxy reads each request itself and lets the server's answers through as bytes.
"""

import contextlib
import socket
import threading
from collections import Counter

# What the proxy answers itself: (status, S3's error code, message) by kind of fault.
ANSWERS = {
    "slowdown": ("503 Slow Down", "SlowDown", "Please reduce your request rate."),
    "notimplemented": ("501 Not Implemented", "NotImplemented", "Not implemented here."),
}


def _read_head(reader):
    """(request line, {lower-case name: value}, raw bytes) of the next request, or None."""
    raw = reader.readline()
    if not raw.strip():
        return None
    headers = {}
    while (line := reader.readline()) not in (b"\r\n", b"\n", b""):
        raw += line
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return raw.decode("latin-1").split("\r\n", 1)[0], headers, raw + b"\r\n"


def _answer(kind, method):
    status, code, message = ANSWERS[kind]
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
        f"<Message>{message}</Message><RequestId>fault-proxy</RequestId></Error>"
    ).encode()
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/xml\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + (b"" if method == "HEAD" else body)


class FaultProxy:
    def __init__(self, upstream_port, fault=None):
        self.upstream = ("127.0.0.1", upstream_port)
        self.fault = fault or (lambda number, method, target: None)
        self.counts = Counter()
        self._number = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def _decide(self, method, target):
        with self._lock:
            number, self._number = self._number, self._number + 1
            kind = self.fault(number, method, target)
            self.counts[kind or "passed"] += 1
            return kind

    def _serve(self, client):
        server = None
        try:
            reader = client.makefile("rb")
            while request := _read_head(reader):
                request_line, headers, raw = request
                method, target, _ = request_line.split(" ", 2)
                length = int(headers.get("content-length") or 0)
                assert "chunked" not in headers.get("transfer-encoding", ""), request_line
                waits = headers.get("expect", "").lower() == "100-continue"
                if kind := self._decide(method, target):
                    if not waits:  # the body follows at once: read it, as a server would
                        reader.read(length)
                    if kind in ANSWERS:
                        client.sendall(_answer(kind, method))
                    return  # and close the connection: "drop" says nothing at all
                if server is None:
                    server = socket.create_connection(self.upstream)
                    threading.Thread(
                        target=self._answers, args=(server, client), daemon=True
                    ).start()
                server.sendall(raw)
                # With Expect: 100-continue the client sends the body once the server's
                # "100 Continue" (passed on by _answers) reaches it.
                while length > 0 and (chunk := reader.read1(min(length, 65536))):
                    server.sendall(chunk)
                    length -= len(chunk)
        except OSError:
            pass
        finally:
            for sock in (client, server):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    sock.close()

    def _answers(self, server, client):
        """The server's bytes, passed on to the client until either side closes."""
        with contextlib.suppress(OSError):
            while data := server.recv(65536):
                client.sendall(data)
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_RDWR)

    def _accept(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def __enter__(self):
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
