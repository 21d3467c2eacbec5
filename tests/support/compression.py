"""What a client gets for a URL with a given Accept-Encoding, asked with curl: a real client
that speaks HTTP/2 (ALPN) and decodes Brotli and gzip, so the bytes as sent and the bytes as
a browser reads them are both at hand."""

import re
import subprocess
from dataclasses import dataclass


@dataclass
class Answer:
    status: int
    protocol: str  # "2" or "1.1", as curl's %{http_version} says
    headers: dict  # lowercased names -> the last value sent
    raw: bytes  # the body as sent (still encoded)
    decoded: bytes  # the body as a browser reads it


def fetch(url, *, accept_encoding=None, cacert=None, http2=False):
    """GET `url`; `accept_encoding` None: no Accept-Encoding header at all."""
    common = ["curl", "-sS", "--max-time", "20"]
    if cacert:
        common += ["--cacert", str(cacert)]
    if http2:
        common += ["--http2"]
    header = ["-H", f"Accept-Encoding: {accept_encoding}"] if accept_encoding else []
    result = subprocess.run(
        [*common, *header, "-D", "-", "-o", "/dev/stderr", "-w", "\n%{http_version}", url],
        capture_output=True,
        check=True,
    )
    head, protocol = result.stdout.decode("latin-1").rsplit("\n", 1)
    # After redirects or 100-continue only the last block counts.
    block = head.strip().split("\r\n\r\n")[-1].splitlines()
    status = int(block[0].split()[1])
    headers = {}
    for line in block[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        headers[name] = f"{headers[name]}, {value.strip()}" if name in headers else value.strip()
    decoded = result.stderr
    if accept_encoding:
        # The same request again, decoded by curl as a browser would decode it.
        decoded = subprocess.run(
            [*common, *header, "--compressed", url], capture_output=True, check=True
        ).stdout
    return Answer(status, protocol.strip(), headers, result.stderr, decoded)


def static_urls(html):
    """The static files a page links to (stylesheets, scripts, images, the favicon): paths
    under /static/ on the site, or whole URLs where they are elsewhere (a bucket)."""
    found = re.findall(r"""(?:href|src)=["']((?:https?://[^"']*)?/static/[^"'?#]+)""", html)
    return sorted(set(found))


def varies_on_accept_encoding(headers):
    return "accept-encoding" in headers.get("vary", "").lower()
