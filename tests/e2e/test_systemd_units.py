"""The systemd units of systemd/, as `make install` writes them, run here
without systemd: each unit's ExecStartPre and ExecStart lines, as its
User= (or as root for a "+" line) with its EnvironmentFile, in the
order of their After= (PostgreSQL, netdep, nginx), bring up a site that
answers; ExecReload of netdep.service (migrate, then SIGHUP) keeps it
answering, and each unit's KillSignal stops it.  scripts/systemd-verify.sh
(make lint) checks the same files with systemd-analyze."""

import os
import shlex
import shutil
import signal
import socket
import subprocess
import time

import requests

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unit(path):
    """The [Service] keys of a unit file: key -> list of values."""
    keys = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith(("#", "[")) and "=" in line:
                k, v = line.split("=", 1)
                keys.setdefault(k, []).append(v)
    return keys


def env_file(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, v = line.split("=", 1)
                env[k] = v
    return env


def argv(u, line, mainpid=None):
    """A command line of unit u as systemd would run it."""
    root = line.startswith("+")
    words = shlex.split(line.lstrip("+"))
    if mainpid is not None:
        words = [w.replace("$MAINPID", str(mainpid)) for w in words]
    if root:
        return words
    user = u["User"][0]
    return ["setpriv", f"--reuid={user}", f"--regid={user}",
            "--init-groups", "--", *words]


def wait_health(url, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "a unit's main process exited"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.1)
    return False


def test_units_bring_up_reload_and_stop_a_site(var_dir):
    base = os.path.join(var_dir, "units-test")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    os.chmod(base, 0o755)
    prefix, etc = os.path.join(base, "usr"), os.path.join(base, "etc")
    state = os.path.join(base, "var")
    build = os.path.dirname(os.path.abspath(os.environ["NETDEP_ADMIN"]))
    r = subprocess.run(
        [os.path.join(TOP, "scripts", "install.sh")], capture_output=True,
        text=True, env=dict(os.environ, DESTDIR="", PREFIX=prefix,
                            SYSCONFDIR=etc, STATEDIR=state,
                            BACKUPDIR=os.path.join(base, "backup"),
                            NETDEP_BUILD=build))
    assert r.returncode == 0, r.stdout + r.stderr
    port = free_port()
    with open(os.path.join(etc, "netdep.env"), "a") as f:
        f.write(f"NETDEP_HTTP_LISTEN=127.0.0.1:{port}\nNETDEP_WORKERS=2\n")
    units = os.path.join(prefix, "lib", "systemd", "system")
    procs = []
    try:
        for name in ("netdep-postgresql", "netdep", "netdep-nginx"):
            u = unit(os.path.join(units, name + ".service"))
            env = dict(os.environ)
            for key in ("NETDEP_DB", "NETDEP_MEDIA", "NETDEP_CONFIG",
                        "NETDEP_TRUSTED_PROXIES"):
                env.pop(key, None)
            env.update(env_file(u["EnvironmentFile"][0]))
            for line in u.get("ExecStartPre", []):
                r = subprocess.run(argv(u, line), env=env,
                                   capture_output=True, text=True,
                                   timeout=300)
                assert r.returncode == 0, \
                    f"{name}: {line}:\n{r.stdout}\n{r.stderr}"
            p = subprocess.Popen(argv(u, u["ExecStart"][0]), env=env,
                                 stdout=subprocess.DEVNULL,
                                 stderr=open(os.path.join(
                                     base, name + ".log"), "w"))
            procs.append((name, u, env, p))
            if name == "netdep-postgresql":
                sock = os.path.join(state, "pgsock", ".s.PGSQL.5432")
                deadline = time.monotonic() + 60
                while not os.path.exists(sock):
                    assert p.poll() is None, "postgres exited"
                    assert time.monotonic() < deadline, "no socket"
                    time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/api/v1/health"
        assert wait_health(url, procs[1][3]), "the site never answered"
        # The configuration file the units name is the server's.
        conf = subprocess.run(
            argv(procs[1][1], f"{build}/netdep --config"),
            env=procs[1][2], capture_output=True, text=True)
        assert "NETDEP_SITE_URL=https://example.org" in conf.stdout
        name, u, env, p = procs[1]
        for line in u["ExecReload"]:
            r = subprocess.run(argv(u, line, mainpid=p.pid), env=env,
                               capture_output=True, text=True, timeout=300)
            assert r.returncode == 0, f"{line}:\n{r.stdout}\n{r.stderr}"
        time.sleep(0.5)
        assert wait_health(url, p), "no answer after the reload"
        # The server logs to NETDEP_LOG (the state's log/netdep.log, as
        # netdep-ctl sets it), its stderr only what comes before.
        logged = ""
        for path in (os.path.join(state, "log", "netdep.log"),
                     os.path.join(base, "netdep.log")):
            if os.path.exists(path):
                with open(path) as f:
                    logged += f.read()
        assert "(reloaded: same socket)" in logged
    finally:
        for name, u, env, p in reversed(procs):
            sig = getattr(signal, u.get("KillSignal", ["SIGTERM"])[0])
            if p.poll() is None:
                p.send_signal(sig)
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    for name, u, env, p in procs:
        assert p.returncode in (0, -signal.SIGQUIT), \
            f"{name} ended with {p.returncode}"
    shutil.rmtree(base, ignore_errors=True)
