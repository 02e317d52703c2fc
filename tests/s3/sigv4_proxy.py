#!/usr/bin/env python3
"""sigv4_proxy.py: an HTTP proxy in front of s3rver that checks the AWS
Signature Version 4 of every request, since s3rver 3.7.1 does not (its
lib/middleware/authentication.js: "Signature version 4 calculation is
unimplemented").  Standard library only.

  sigv4_proxy.py --port P --upstream http://127.0.0.1:Q \\
                 --secret-file F --public-bucket B --log L

For each request it recomputes the signature (canonical request,
string to sign, kDate/kRegion/kService/kSigning key; the AWS "Create a
signed AWS API request" documentation) with the secret on the first line
of F (read as netdep reads NETDEP_S3_SECRET_FILE), and checks that
x-amz-content-sha256 is the body's SHA-256 unless it is UNSIGNED-PAYLOAD.
A mismatch is answered 403 with an S3 XML error (SignatureDoesNotMatch,
XAmzContentSHA256Mismatch or AccessDenied) and not forwarded; a good
request is forwarded to the upstream and its answer passed back.  Requests
without Authorization are let through only as GET/HEAD of "/" and of the
public bucket (a public-read bucket: nginx's anonymous reads); any other
anonymous request is refused (AccessDenied).

Every request adds one line to L: "ok METHOD PATH" (with "(Expect: ...)"
when the client sent one), "anon METHOD PATH" or
"refused METHOD PATH: CODE reason"; the tests count the refused lines
(the file outlives a restart of the proxy).
"""

import argparse
import hashlib
import hmac
import http.client
import http.server
import re
import sys
import threading
import urllib.parse
from xml.sax.saxutils import escape

ALGO = "AWS4-HMAC-SHA256"
UNSIGNED = "UNSIGNED-PAYLOAD"
# RFC 3986 unreserved characters: the only ones SigV4 leaves unencoded.
UNRESERVED = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
              "0123456789-_.~")
# Not passed on (Expect: this server answered the 100 Continue already).
HOP = {"connection", "expect", "keep-alive", "proxy-authenticate",
       "proxy-authorization", "te", "trailers", "transfer-encoding",
       "upgrade"}


def uri_encode(s, slash=True):
    """SigV4's UriEncode: every byte but the unreserved ones as %XY
    (upper-case hex); '/' kept when slash is False (a path)."""
    safe = UNRESERVED if slash else UNRESERVED + "/"
    return "".join(chr(b) if chr(b) in safe else "%%%02X" % b
                   for b in s.encode("utf-8"))


def canonical_uri(raw_path):
    """The path as sent, decoded once, then each segment encoded (S3 does
    not normalise the path nor encode it twice)."""
    path = urllib.parse.unquote(raw_path or "/", errors="strict")
    return uri_encode(path, slash=False)


def canonical_query(raw_query):
    """Each name and value decoded, encoded again, sorted by name then
    value; "name=" for a name without a value."""
    pairs = []
    for part in raw_query.split("&") if raw_query else []:
        name, _, value = part.partition("=")
        pairs.append((uri_encode(urllib.parse.unquote(name)),
                      uri_encode(urllib.parse.unquote(value))))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def canonical_headers(headers, signed):
    """headers: (name, value) pairs as received; the signed ones lower-case,
    values trimmed with inner runs of spaces made one, repeated ones joined
    with commas, in the order of signed (which is sorted)."""
    vals = {}
    for name, value in headers:
        key = name.lower()
        vals.setdefault(key, []).append(" ".join(value.split()))
    out = []
    for name in signed:
        if name not in vals:
            raise ValueError(f"signed header {name} is missing")
        out.append(f"{name}:{','.join(vals[name])}\n")
    return "".join(out)


def canonical_request(method, raw_path, raw_query, headers, signed,
                      payload_hash):
    return "\n".join([method, canonical_uri(raw_path),
                      canonical_query(raw_query),
                      canonical_headers(headers, signed),
                      ";".join(signed), payload_hash])


def string_to_sign(amz_date, scope, creq):
    return "\n".join([ALGO, amz_date, scope,
                      hashlib.sha256(creq.encode("utf-8")).hexdigest()])


def signing_key(secret, date, region, service):
    def h(key, msg):
        return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()
    k = h(("AWS4" + secret).encode("utf-8"), date)
    k = h(k, region)
    k = h(k, service)
    return h(k, "aws4_request")


def signature(secret, date, region, service, sts):
    return hmac.new(signing_key(secret, date, region, service),
                    sts.encode("utf-8"), hashlib.sha256).hexdigest()


AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/"
    r"([^/,\s]+)/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*"
    r"Signature=([0-9a-f]{64})$")


class Refused(Exception):
    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code


def verify(method, target, headers, body, secret):
    """Raises Refused unless the request carries a good SigV4 signature
    made with secret.  target: the request line's path?query; headers:
    (name, value) pairs; body: the bytes received."""
    auth = [v for n, v in headers if n.lower() == "authorization"]
    if len(auth) != 1:
        raise Refused("AccessDenied", "one Authorization header expected")
    m = AUTH_RE.match(auth[0].strip())
    if not m:
        raise Refused("AccessDenied", f"malformed Authorization {auth[0]!r}")
    _, date, region, service, signed_s, got = m.groups()
    signed = signed_s.split(";")
    if signed != sorted(signed) or "host" not in signed:
        raise Refused("SignatureDoesNotMatch",
                      f"SignedHeaders {signed_s} not sorted or without host")
    hv = {n.lower(): v.strip() for n, v in headers}
    amz_date = hv.get("x-amz-date", "")
    if not re.fullmatch(r"\d{8}T\d{6}Z", amz_date) or \
            amz_date[:8] != date:
        raise Refused("AccessDenied", f"x-amz-date {amz_date!r} does not "
                      f"match the credential date {date}")
    payload = hv.get("x-amz-content-sha256")
    if payload is None:
        raise Refused("InvalidRequest", "no x-amz-content-sha256")
    if payload != UNSIGNED and payload != hashlib.sha256(body).hexdigest():
        raise Refused("XAmzContentSHA256Mismatch",
                      "x-amz-content-sha256 is not the body's SHA-256")
    path, _, query = target.partition("?")
    try:
        creq = canonical_request(method, path, query, headers, signed,
                                 payload)
    except (ValueError, UnicodeDecodeError) as e:
        raise Refused("SignatureDoesNotMatch", str(e))
    sts = string_to_sign(amz_date, f"{date}/{region}/{service}/aws4_request",
                         creq)
    want = signature(secret, date, region, service, sts)
    if not hmac.compare_digest(want, got):
        raise Refused("SignatureDoesNotMatch",
                      "signature differs; canonical request "
                      + repr(creq))


def read_secret(path):
    """The first line of path, as cgi/config.c reads the secret file."""
    with open(path, encoding="ascii") as f:
        return f.readline().rstrip("\r\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sigv4-proxy"

    def log_message(self, fmt, *args):
        pass

    def note(self, line):
        with self.server.lock, open(self.server.opts.log, "a") as f:
            f.write(line.replace("\n", "\\n") + "\n")

    def body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise Refused("NotImplemented", "chunked bodies not supported")
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def anonymous_ok(self):
        path = self.path.partition("?")[0]
        pub = "/" + self.server.opts.public_bucket
        return self.command in ("GET", "HEAD") and \
            (path == "/" or path == pub or path.startswith(pub + "/"))

    def refuse(self, code, reason):
        self.note(f"refused {self.command} {self.path}: {code} {reason}")
        xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
               f"{code}</Code><Message>{escape(reason)}</Message>"
               f"<Resource>{escape(self.path)}</Resource></Error>"
               ).encode("utf-8")
        self.send_response(403)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(xml)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(xml)

    def handle_any(self):
        try:
            data = self.body()
            if self.headers.get("Authorization") is None:
                if not self.anonymous_ok():
                    raise Refused("AccessDenied", "anonymous request")
                self.note(f"anon {self.command} {self.path}")
            else:
                verify(self.command, self.path, self.headers.items(), data,
                       read_secret(self.server.opts.secret_file))
                expect = self.headers.get("Expect")
                self.note(f"ok {self.command} {self.path}"
                          + (f" (Expect: {expect})" if expect else ""))
        except Refused as e:
            self.close_connection = True
            return self.refuse(e.code, str(e))
        self.forward(data)

    def forward(self, data):
        up = urllib.parse.urlsplit(self.server.opts.upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=120)
        try:
            hdrs = {n: v for n, v in self.headers.items()
                    if n.lower() not in HOP}
            conn.request(self.command, self.path, body=data or None,
                         headers=hdrs)
            r = conn.getresponse()
            self.send_response(r.status, r.reason)
            chunked = False
            for n, v in r.getheaders():
                if n.lower() in HOP:
                    continue
                self.send_header(n, v)
            if r.getheader("Content-Length") is None and \
                    self.command != "HEAD" and r.status not in (204, 304):
                self.send_header("Transfer-Encoding", "chunked")
                chunked = True
            self.end_headers()
            while self.command != "HEAD":
                piece = r.read(65536)
                if not piece:
                    break
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError as e:
            self.close_connection = True
            try:
                self.send_error(502, f"upstream: {e}")
            except OSError:
                pass
        finally:
            conn.close()

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = handle_any


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--secret-file", required=True)
    ap.add_argument("--public-bucket", required=True)
    ap.add_argument("--log", required=True)
    opts = ap.parse_args(argv)
    read_secret(opts.secret_file)  # unreadable: fail now, not per request
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
    srv.daemon_threads = True
    srv.opts = opts
    srv.lock = threading.Lock()
    srv.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
