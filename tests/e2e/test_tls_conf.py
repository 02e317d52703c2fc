"""nginx's TLS variant (README, Running it for real): with NETDEP_TLS_CERT
and NETDEP_TLS_KEY, netdep-ctl renders an HTTPS server with that
certificate, and a plain-HTTP server that answers certbot's challenges
from NETDEP_ACME_ROOT and redirects everything else to https.  A second
nginx (static files only) is started on free ports with a throwaway
self-signed certificate."""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time

import requests
import urllib3

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
CTL = os.path.join(TOP, "scripts", "netdep-ctl")


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def test_tls_variant_serves_https_redirects_http_and_answers_acme(var_dir):
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    base = os.path.join(var_dir, "tls-test")
    shutil.rmtree(base, ignore_errors=True)
    tls, acme = os.path.join(base, "tls"), os.path.join(base, "acme")
    os.makedirs(os.path.join(acme, ".well-known", "acme-challenge"))
    os.makedirs(tls)
    cert, key = os.path.join(tls, "fullchain.pem"), os.path.join(
        tls, "privkey.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=localhost"], check=True,
                   capture_output=True)
    with open(os.path.join(acme, ".well-known", "acme-challenge", "tok"),
              "w") as f:
        f.write("proof")
    user = pwd.getpwnam("netdep")
    for root, dirs, files in os.walk(base):
        for name in dirs + files:
            os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid)
    os.chown(base, user.pw_uid, user.pw_gid)
    https, http = free_ports(2)
    state = os.path.join(base, "var")
    env = dict(os.environ, NETDEP_TLS_CERT=cert, NETDEP_TLS_KEY=key,
               NETDEP_ACME_ROOT=acme,
               NETDEP_HTTPS_LISTEN=f"127.0.0.1:{https}",
               NETDEP_HTTP_LISTEN=f"127.0.0.1:{http}",
               NETDEP_BUILD=os.path.dirname(
                   os.path.abspath(os.environ["NETDEP_ADMIN"])))
    r = subprocess.run([CTL, "nginx-render", state], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    conf = os.path.join(state, "nginx", "nginx.conf")
    with open(conf) as f:
        text = f.read()
    assert f"ssl_certificate {cert};" in text
    nginx = subprocess.Popen(
        ["setpriv", "--reuid=netdep", "--regid=netdep", "--init-groups",
         "--", "/usr/sbin/nginx", "-p", os.path.join(state, "nginx") + "/",
         "-c", conf, "-e", os.path.join(state, "log", "nginx-error.log"),
         "-g", "daemon off;"], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = requests.get(f"https://127.0.0.1:{https}/", verify=False,
                                 timeout=5)
                break
            except requests.RequestException:
                assert nginx.poll() is None, "nginx exited"
                assert time.monotonic() < deadline, "no HTTPS answer"
                time.sleep(0.1)
        assert r.status_code == 200 and b"<html" in r.content.lower()
        r = requests.get(f"http://127.0.0.1:{http}/gallery.html?x=1",
                         allow_redirects=False, timeout=5)
        assert r.status_code == 301
        assert r.headers["Location"] == "https://127.0.0.1/gallery.html?x=1"
        r = requests.get(f"http://127.0.0.1:{http}/.well-known/"
                         "acme-challenge/tok", timeout=5)
        assert r.status_code == 200 and r.text == "proof"
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)
