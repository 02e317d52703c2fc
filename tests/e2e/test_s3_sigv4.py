"""The SigV4 verifier of tests/s3/sigv4_proxy.py (the proxy test_s3.py
puts between netdep and s3rver, which checks no signature itself) against
the worked examples of the AWS documentation (Amazon S3, "Signature
Calculations for the Authorization Header: Transferring Payload in a
Single Chunk"): a GET of an object with a Range, a PUT whose key needs
encoding in the canonical URI, a listing with a query string.  Then
verify() as the proxy calls it: the example passes, a wrong secret, a
changed body, a changed path and an unsigned request are refused.
No stack needed."""

import hashlib
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "s3"))
import sigv4_proxy as sv  # noqa: E402

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DATE, AMZ_DATE = "20130524", "20130524T000000Z"
SCOPE = f"{DATE}/us-east-1/s3/aws4_request"
HOST = ("Host", "examplebucket.s3.amazonaws.com")
EMPTY = hashlib.sha256(b"").hexdigest()
PUT_BODY = b"Welcome to Amazon S3."


def sign(method, path, query, headers, payload, secret=SECRET):
    signed = sorted(n.lower() for n, _ in headers)
    creq = sv.canonical_request(method, path, query, headers, signed,
                                payload)
    sts = sv.string_to_sign(AMZ_DATE, SCOPE, creq)
    return creq, sv.signature(secret, DATE, "us-east-1", "s3", sts)


GET_HEADERS = [HOST, ("Range", "bytes=0-9"), ("x-amz-content-sha256", EMPTY),
               ("x-amz-date", AMZ_DATE)]
GET_SIG = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"


def test_s3_sigv4_aws_get_object_example():
    creq, sig = sign("GET", "/test.txt", "", GET_HEADERS, EMPTY)
    assert creq == ("GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\n"
                    "range:bytes=0-9\nx-amz-content-sha256:" + EMPTY +
                    "\nx-amz-date:20130524T000000Z\n\n"
                    "host;range;x-amz-content-sha256;x-amz-date\n" + EMPTY)
    assert sig == GET_SIG


def test_s3_sigv4_aws_put_object_and_list_examples():
    payload = hashlib.sha256(PUT_BODY).hexdigest()
    creq, sig = sign("PUT", "/test$file.text", "",
                     [HOST, ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                      ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                      ("x-amz-content-sha256", payload),
                      ("x-amz-date", AMZ_DATE)], payload)
    assert creq.split("\n")[1] == "/test%24file.text"
    assert sig == ("98ad721746da40c64f1a55b78f14c238"
                   "d841ea1380cd77a1b5971af0ece108bd")
    # Sent in another order and encoded: the same canonical query.
    creq, sig = sign("GET", "/", "prefix=J&max-keys=2",
                     [HOST, ("x-amz-content-sha256", EMPTY),
                      ("x-amz-date", AMZ_DATE)], EMPTY)
    assert creq.split("\n")[2] == "max-keys=2&prefix=J"
    assert sig == ("34b48302e7b5fa45bde8084f4b7868a8"
                   "6f0a534bc59db6670ed5711ef69dc6f7")
    assert sv.canonical_query("prefix=pub%2f&a=x+y%20") == \
        "a=x%2By%20&prefix=pub%2F"


def auth(sig):
    return ("Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/" + SCOPE +
            ",SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=" + sig)


def test_s3_sigv4_verify_refuses_what_differs():
    sv.verify("GET", "/test.txt", GET_HEADERS + [auth(GET_SIG)], b"", SECRET)
    cases = [
        ("GET", "/test.txt", GET_HEADERS + [auth(GET_SIG)], b"",
         SECRET[:-1] + "X", "SignatureDoesNotMatch"),
        ("GET", "/test.txt", GET_HEADERS + [auth(GET_SIG)], b"x", SECRET,
         "XAmzContentSHA256Mismatch"),
        ("GET", "/test.txt?x=1", GET_HEADERS + [auth(GET_SIG)], b"", SECRET,
         "SignatureDoesNotMatch"),
        ("HEAD", "/test.txt", GET_HEADERS + [auth(GET_SIG)], b"", SECRET,
         "SignatureDoesNotMatch"),
        ("GET", "/test.txt", GET_HEADERS[:1] + GET_HEADERS[2:] +
         [auth(GET_SIG)], b"", SECRET, "SignatureDoesNotMatch"),
        ("GET", "/test.txt", GET_HEADERS, b"", SECRET, "AccessDenied"),
    ]
    for method, target, headers, body, secret, code in cases:
        with pytest.raises(sv.Refused) as e:
            sv.verify(method, target, headers, body, secret)
        assert e.value.code == code, (method, target, str(e.value))
