"""A tiny FastCGI client, to talk to the workers past nginx (tests only).

fcgi_request(socket_path, params, stdin=None) sends one FastCGI request
(role RESPONDER) with the given CGI parameters.  With stdin=None it sends
no body at all and reads the answer first: a worker that checks
CONTENT_LENGTH before reading answers anyway, one that reads would wait.
Returns (status, headers, body) parsed from the CGI response.
KeptConnection sends several requests on one connection, as nginx does
with fastcgi_keep_conn.
"""

import socket
import struct

FCGI_VERSION = 1
BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
RESPONDER = 1
FCGI_KEEP_CONN = 1


def _record(kind, content, request_id=1):
    pad = (8 - len(content) % 8) % 8
    return (struct.pack(">BBHHBx", FCGI_VERSION, kind, request_id,
                        len(content), pad) + content + b"\0" * pad)


def _length(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def _params(params):
    out = b""
    for name, value in params.items():
        name, value = name.encode(), str(value).encode()
        out += _length(len(name)) + _length(len(value)) + name + value
    return out


def _read_answer(sock):
    """STDOUT bytes until END_REQUEST (or the worker closes)."""
    buf, out = b"", b""
    while True:
        while len(buf) < 8:
            chunk = sock.recv(65536)
            if not chunk:
                return out
            buf += chunk
        _v, kind, _id, clen, pad = struct.unpack(">BBHHBx", buf[:8])
        while len(buf) < 8 + clen + pad:
            chunk = sock.recv(65536)
            if not chunk:
                return out
            buf += chunk
        content, buf = buf[8:8 + clen], buf[8 + clen + pad:]
        if kind == STDOUT:
            out += content
        elif kind == END_REQUEST:
            return out


def _send(sock, params, stdin, flags):
    data = _record(BEGIN_REQUEST, struct.pack(">HB5x", RESPONDER, flags))
    body = _params(params)
    for i in range(0, len(body), 65535):
        data += _record(PARAMS, body[i:i + 65535])
    data += _record(PARAMS, b"")
    sock.sendall(data)
    if stdin is not None:
        for i in range(0, len(stdin), 65535):
            sock.sendall(_record(STDIN, stdin[i:i + 65535]))
        sock.sendall(_record(STDIN, b""))


def _parse(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    headers = {}
    status = 200
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
        if name.lower() == "status":
            status = int(value.split()[0])
    return status, headers, body


def fcgi_request(socket_path, params, stdin=None, timeout=60):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(socket_path)
        _send(s, params, stdin, 0)
        raw = _read_answer(s)
    return _parse(raw)


class KeptConnection:
    """One connection that asks the worker to keep it (FCGI_KEEP_CONN),
    as nginx's fastcgi_keep_conn does: request() may be called again."""

    def __init__(self, socket_path, timeout=60):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(socket_path)

    def request(self, params, stdin=b""):
        _send(self.sock, params, stdin, FCGI_KEEP_CONN)
        return _parse(_read_answer(self.sock))

    def closed_by_worker(self, wait=10):
        """True when the worker closed its end (a read finds the end)."""
        self.sock.settimeout(wait)
        try:
            return self.sock.recv(1) == b""
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()
