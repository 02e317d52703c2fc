"""The page checkers of issue 17's quality bar, installed by `make
qa-tools` into build/qa (pinned by tests/qa/package-lock.json): axe-core
run inside the page, the Nu HTML Checker (vnu.jar) on the HTML as served,
Lighthouse from lighthouse_run.py.  A missing tool fails the test with
what to run: the bar is part of make test, never skipped."""
import json
import os
import shutil
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QA = os.path.join(TOP, "build", "qa", "node_modules")
AXE = os.path.join(QA, "axe-core", "axe.min.js")
VNU = os.path.join(QA, "vnu-jar", "build", "dist", "vnu.jar")
LIGHTHOUSE = os.path.join(QA, "lighthouse", "cli", "index.js")


def need(path):
    assert os.path.exists(path), "%s is missing: run `make qa-tools`" % path
    return path


def axe_violations(browser):
    """Runs axe-core (WCAG 2.x A and AA, best practices) on the page as it
    is now; returns ['rule-id: target ...'] for every violation."""
    with open(need(AXE), encoding="utf-8") as f:
        src = f.read()
    browser.driver.execute_script(src)
    res = browser.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
           .then((r) => done(JSON.stringify(r.violations)), (e) => done(JSON.stringify({error: String(e)})));""")
    out = json.loads(res)
    assert not isinstance(out, dict), out
    return ["%s (%s): %s" % (v["id"], v["impact"], ", ".join(
        " ".join(n["target"]) for n in v["nodes"][:4])) for v in out]


def vnu_errors(files):
    """Validates the HTML files with the Nu HTML Checker in one JVM;
    returns {file: ['line N: message', ...]} for the files with errors."""
    java = shutil.which("java")
    assert java, "java is missing: run `make deps` (default-jre-headless)"
    p = subprocess.run([java, "-jar", need(VNU), "--errors-only", "--format", "json",
                        *files], capture_output=True, text=True, timeout=600)
    msgs = json.loads(p.stderr or p.stdout or '{"messages": []}')["messages"]
    out = {}
    for m in msgs:
        if m.get("type") == "error" or m.get("subType") == "fatal":
            f = m.get("url", "").replace("file:", "")
            out.setdefault(os.path.basename(f), []).append(
                "line %s: %s" % (m.get("lastLine", "?"), m.get("message")))
    return out
