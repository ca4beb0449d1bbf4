#!/usr/bin/env python3
"""report_it.py - integration tests of pumphil's reports (issue 8), driven
by tests/integration/report.cmake:

  report_it.py PUMPHIL SOURCE_DIR WORK_DIR CHECK

CHECK is one of: demo, schema, escaping, merge, killed, regenerate, confine,
browser.  Each
runs the real binary on the virtual bench and asserts on what it wrote;
a failed assertion prints one line and exits 1.  Exit 77 (CTest's skip)
only for the plot images when this build has no headless renderer.
"""
import copy
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

SKIP = 77


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


class Ctx:
    def __init__(self, pumphil, src, work):
        self.pumphil, self.src, self.work = pumphil, src, work
        self.xsd = os.path.join(src, "tests/data/junit/junit-10.xsd")

    def path(self, *p):
        return os.path.join(self.src, *p)

    def fresh(self, name):
        d = os.path.join(self.work, name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        return d

    def run(self, args, rc=None, cwd=None):
        p = subprocess.run([self.pumphil] + args, cwd=cwd or self.src, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=600)
        out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
        sys.stdout.write(out)
        if rc is not None:
            check(p.returncode in (rc if isinstance(rc, tuple) else (rc,)),
                  "pumphil %s: exit %d, expected %s" % (" ".join(args), p.returncode, rc))
        return p.returncode, out


def xmllint_schema(ctx, junit):
    p = subprocess.run(["xmllint", "--noout", "--schema", ctx.xsd, junit], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    check(p.returncode == 0, "%s does not validate against junit-10.xsd:\n%s" % (
        junit, p.stdout.decode(errors="replace")))


def load(path):
    with open(path, encoding="utf-8") as f:
        rec = json.load(f)
    if path.endswith("record.json"):
        record_schema(rec, path)
    return rec


def record_schema(rec, path):
    """Every record a test reads must match docs/record.schema.json (when
    python3-jsonschema is there; Debian packages it, tools/deps.sh does not
    require it)."""
    try:
        import jsonschema
    except ImportError:
        print("note: python3-jsonschema not installed: %s not checked against docs/record.schema.json" % path)
        return
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "..", "docs", "record.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(rec), key=lambda e: list(e.path))
    check(not errors, "%s does not match docs/record.schema.json: %s at %s" % (
        path, errors[0].message if errors else "", list(errors[0].path) if errors else ""))


def verdicts(record):
    return sorted((t["suite"], t["name"], t.get("repeat", 0), t["verdict"]) for t in record["tests"])


def junit_counts(path):
    root = ET.parse(path).getroot()
    return {k: int(root.get(k)) for k in ("tests", "failures", "errors")}


def can_plot(record):
    return "no headless renderer" not in record.get("plots_note", "")


# ---- checks ----

def demo(ctx):
    """Acceptance 1: a run leaves reports/latest/{index.html, junit.xml,
    record.json} and the plot images (what `make demo` does, in a temp dir)."""
    d = ctx.fresh("demo")
    ctx.run(["run", "--fixtures", ctx.path("fixtures"), ctx.path("scripts/regression"),
             ctx.path("tests/integration/report/bench.lua")], rc=(0, 1), cwd=d)
    latest = os.path.join(d, "reports", "latest")
    check(os.path.islink(latest), "reports/latest is not a symlink")
    for f in ("index.html", "junit.xml", "record.json"):
        p = os.path.join(latest, f)
        check(os.path.isfile(p) and os.path.getsize(p) > 0, "reports/latest/%s missing or empty" % f)
    rec = load(os.path.join(latest, "record.json"))
    check(rec["schema"] == "pumphil-record/1", "record schema is %r" % rec["schema"])
    check(rec["summary"]["tests"] == len(rec["tests"]) >= 5, "summary does not count the tests")
    for t in rec["tests"]:
        check(t.get("dut", {}).get("serial") == "100001", "%s: no board serial" % t["name"])
    xmllint_schema(ctx, os.path.join(latest, "junit.xml"))
    if not can_plot(rec):
        print("SKIP plots: " + rec["plots_note"])
        return SKIP
    pngs = glob.glob(os.path.join(latest, "plots", "*.png"))
    want = sum(len(t.get("plots", [])) for t in rec["tests"])
    check(len(pngs) == want > 0, "%d plot files, record lists %d" % (len(pngs), want))
    # A plot for every test that ran and did not pass, or measured; the
    # others are drawn on demand (pumphil report --plots all).
    for t in rec["tests"]:
        if t["verdict"] not in ("pass", "skip") or t.get("measurements"):
            check(t.get("plots"), "%s (%s) has no plot" % (t["name"], t["verdict"]))
    failing = [t for t in rec["tests"] if t["verdict"] == "fail"]
    check(any(len(t["plots"]) == 2 for t in failing), "no failing test has a plot around its failure")
    for p in pngs:
        with open(p, "rb") as f:
            check(f.read(8) == b"\x89PNG\r\n\x1a\n", "%s is not a PNG" % p)
    return 0


def schema(ctx):
    """junit.xml from a real run with passes, failures, errors and
    parametrised cases validates; one testcase per case; ids in properties."""
    d = ctx.fresh("schema")
    ctx.run(["run", "--report", d, ctx.path("tests/integration/report/bench.lua"),
             ctx.path("tests/integration/scripts/teardown.lua")], rc=1)
    junit = os.path.join(d, "junit.xml")
    xmllint_schema(ctx, junit)
    root = ET.parse(junit).getroot()
    cases = [c.get("name") for c in root.iter("testcase")]
    for case in ("delivers its programmed rate [0.5 mL/day]", "delivers its programmed rate [0.25 mL/day]"):
        check(case in cases, "no testcase %r" % case)
    check(len(cases) == len(load(os.path.join(d, "record.json"))["tests"]), "not one testcase per test")
    suite = [s for s in root.iter("testsuite") if s.get("name") == "report bench"][0]
    props = [(p.get("name"), p.get("value")) for p in suite.iter("property")]
    for p in (("requirement", "REQ-DEL-001"), ("requirement", "REQ-ALM-001"), ("hazard", "HAZ-ALARM"),
              ("serial", "100001"), ("board", "sim")):
        check(p in props, "suite properties lack %s=%s" % p)
    failure = [c for c in suite.iter("testcase") if c.find("failure") is not None][0].find("failure")
    check(re.match(r".*bench\.lua:\d+: ", failure.text or ""), "failure text lacks file:line: %r" % failure.text)
    check(failure.get("message"), "failure has no message")
    out = [c.find("system-out").text for c in suite.iter("testcase")]
    check(all("requirements: REQ-DEL-001" in (o or "") for o in out), "system-out lacks requirements")
    errors = [c for c in root.iter("testcase") if c.find("error") is not None]
    check(errors, "teardown.lua's failing teardown is not an <error>")
    return 0


def escaping(ctx):
    """Acceptance 3: <, &, quotes, newlines, control bytes and invalid UTF-8
    in names and messages come out escaped and valid in XML and HTML."""
    d = ctx.fresh("escaping")
    ctx.run(["run", "--report", d, ctx.path("tests/integration/report/nasty.lua")], rc=1)
    junit, index = os.path.join(d, "junit.xml"), os.path.join(d, "index.html")
    p = subprocess.run(["xmllint", "--noout", junit], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(p.returncode == 0, "junit.xml is not well-formed: %s" % p.stdout.decode(errors="replace"))
    xmllint_schema(ctx, junit)
    names = [c.get("name") for c in ET.parse(junit).getroot().iter("testcase")]
    check("<script>alert('name')</script> & \"quoted\"" in names, "markup name did not round-trip: %r" % names)
    check(any(n.startswith("new\nline and tab\tand bell and bad bytes \ufffd") for n in names),
          "newline/control/invalid UTF-8 name not kept as text: %r" % names)
    rec = load(os.path.join(d, "record.json"))
    check("\ufffd" in rec["tests"][1]["message"], "invalid UTF-8 in the message was not replaced")
    with open(index, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    check(b"<script" not in raw.lower(), "raw <script appears in index.html")
    check("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;" in text,
          "the markup test name is not escaped in index.html")
    check("&lt;b&gt;bold&lt;/b&gt;" in text and "&lt;u&gt;&amp;&lt;/u&gt;" in text,
          "measurement name or unit not escaped")
    check(not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text), "control characters in index.html")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from check_html import check_html
    problems = check_html(text)
    check(not problems, "index.html is not well-formed: %s" % "; ".join(problems[:5]))
    return 0


def merge(ctx):
    """Acceptance 4: merging three shards gives the unsharded run's counts
    and verdicts."""
    scripts = [ctx.path(p) for p in ("scripts/regression", "tests/integration/report/bench.lua",
                                     "tests/integration/report/nasty.lua",
                                     "tests/integration/scripts/failing_check.lua",
                                     "tests/integration/scripts/runner/selection.lua")]
    full = ctx.fresh("merge-full")
    ctx.run(["run", "--report", full] + scripts, rc=1)
    shards = []
    for k in (1, 2, 3):
        s = ctx.fresh("merge-shard%d" % k)
        ctx.run(["run", "--shard", "%d/3" % k, "--report", s] + scripts, rc=(0, 1))
        shards.append(s)
    out = os.path.join(ctx.work, "merge-out")
    shutil.rmtree(out, ignore_errors=True)
    ctx.run(["merge", "-o", out] + shards, rc=1)
    a, b = load(os.path.join(full, "record.json")), load(os.path.join(out, "record.json"))
    keys = ("tests", "passed", "failed", "errors", "skipped")
    check({k: a["summary"][k] for k in keys} == {k: b["summary"][k] for k in keys},
          "counts differ: unsharded %s, merged %s" % (a["summary"], b["summary"]))
    check(verdicts(a) == verdicts(b), "verdicts differ:\n%s\n%s" % (verdicts(a), verdicts(b)))
    check(junit_counts(os.path.join(full, "junit.xml")) == junit_counts(os.path.join(out, "junit.xml")),
          "junit.xml counts differ")
    xmllint_schema(ctx, os.path.join(out, "junit.xml"))
    check(len(b["runs"]) == 3 and all(r.get("shard") for r in b["runs"]), "merged record does not list 3 shards")
    check([(t["file"], t["line"], t["name"]) for t in a["tests"]] ==
          [(t["file"], t["line"], t["name"]) for t in b["tests"]], "merged tests not in script order")
    with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
        page = f.read()
    check("Merged from 3 runs" in page, "merged page does not list the runs")
    for t in b["tests"]:
        check(os.path.isabs(t["trace"]) and os.path.isfile(t["trace"]), "merged trace path not reachable")
    return 0


def killed(ctx):
    """Acceptance 5: a run killed with SIGKILL during its second test gives,
    through `pumphil report`, a report with that test interrupted and the
    first one kept."""
    d = ctx.fresh("killed")
    proc = subprocess.Popen([ctx.pumphil, "run", "--wall-timeout", "300s", "--report", d,
                             ctx.path("tests/integration/report/killed.lua")], cwd=ctx.src,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first = proc.stdout.readline().decode(errors="replace")
    print(first, end="")
    check(first.startswith("PASS") and "finishes before the kill" in first, "first test did not pass: %r" % first)
    trace2 = os.path.join(d, "traces", "0002.pcapng")
    deadline = time.time() + 60
    while time.time() < deadline and not (os.path.exists(trace2) and os.path.getsize(trace2) > 1000):
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    check(proc.returncode == -signal.SIGKILL, "pumphil was not killed (%s)" % proc.returncode)
    check(not os.path.exists(os.path.join(d, "record.json")), "a killed run wrote record.json")
    rc, out = ctx.run(["report", d], rc=4)
    check("no record.json, rebuilt from 2 traces" in out, "report did not say it rebuilt from traces")
    rec = load(os.path.join(d, "record.json"))
    check([t["verdict"] for t in rec["tests"]] == ["pass", "error"], "verdicts %s" % [t["verdict"] for t in rec["tests"]])
    t1, t2 = rec["tests"]
    check(t1["name"] == "finishes before the kill" and t1["measurements"][0]["verdict"] == "pass",
          "the finished test lost its measurement")
    check(t2["interrupted"] is True and t2["message"] == "interrupted: the run stopped during this test",
          "the killed test is not marked interrupted: %s" % t2.get("message"))
    check(any("spinning until the run is killed" in l for l in t2["log"]), "the killed test's log is lost")
    check(t2["req"] == ["REQ-DEL-001"] and t2["dut"]["serial"] == "100001", "identity or board lost")
    check(rec["summary"]["interrupted"] == 1, "summary does not count the interruption")
    check(t2.get("events"), "no events around the interruption")
    with open(os.path.join(d, "index.html"), encoding="utf-8") as f:
        page = f.read()
    check("interrupted: the run stopped during this test" in page and "Events around the interruption" in page,
          "index.html does not show the interruption")
    root = ET.parse(os.path.join(d, "junit.xml")).getroot()
    errs = [e for e in root.iter("error") if e.get("type") == "interrupted"]
    check(len(errs) == 1, "junit.xml has no interrupted error")
    xmllint_schema(ctx, os.path.join(d, "junit.xml"))
    # The killed test's trace alone gives the same verdict.
    out2 = os.path.join(ctx.work, "killed-trace")
    shutil.rmtree(out2, ignore_errors=True)
    ctx.run(["report", "-o", out2, "--no-plots", trace2], rc=4)
    rec2 = load(os.path.join(out2, "record.json"))
    check(len(rec2["tests"]) == 1 and rec2["tests"][0]["interrupted"], "report from one trace lost the interruption")
    return 0


def regenerate(ctx):
    """`pumphil report` on a run's record rewrites the same junit.xml and
    index.html, and elsewhere (-o) keeps every test and verdict."""
    d = ctx.fresh("regen")
    ctx.run(["run", "--report", d, ctx.path("tests/integration/report/bench.lua")], rc=1)
    before = {f: open(os.path.join(d, f), "rb").read() for f in ("index.html", "junit.xml")}
    ctx.run(["report", os.path.join(d, "record.json")], rc=1)
    for f, data in before.items():
        check(open(os.path.join(d, f), "rb").read() == data, "%s changed when regenerated in place" % f)
    out = os.path.join(ctx.work, "regen-out")
    shutil.rmtree(out, ignore_errors=True)
    ctx.run(["report", "-o", out, d], rc=1)
    a, b = load(os.path.join(d, "record.json")), load(os.path.join(out, "record.json"))
    check(verdicts(a) == verdicts(b) and a["summary"] == b["summary"], "regenerated record differs")
    check(a["catalogue"] == b["catalogue"], "the record's catalogue was not kept")
    return 0


def confine(ctx):
    """Hardening item 10: a record's trace and plot paths are confined to its
    run directory.  A FIFO there does not hang `pumphil report` (in place or
    -o elsewhere); an absolute path, '..', a symlink out, a directory or a
    device is a trace_error of that test alone; index.html links none of
    them; the good test keeps its trace."""
    d = ctx.fresh("confine")
    run = os.path.join(d, "run")
    ctx.run(["run", "--report", run, ctx.path("tests/integration/scripts/pass.lua")], rc=0)
    traces = os.path.join(run, "traces")
    outside = os.path.join(d, "outside.pcapng")
    shutil.copy(os.path.join(traces, "0001.pcapng"), outside)
    os.mkfifo(os.path.join(traces, "fifo.pcapng"))
    os.symlink(outside, os.path.join(traces, "out.pcapng"))
    os.symlink("/dev/zero", os.path.join(traces, "zero.pcapng"))
    os.mkdir(os.path.join(traces, "dir.pcapng"))
    bad = {  # test name: (trace path, what its trace_error says)
        "fifo": ("traces/fifo.pcapng", "not a regular file"),
        "dotdot": ("../outside.pcapng", "'..' refused"),
        "dotdot-inner": ("traces/../../outside.pcapng", "'..' refused"),
        "absolute": (outside, "absolute path refused"),
        "device": ("/dev/zero", "absolute path refused"),
        "symlink-out": ("traces/out.pcapng", "resolves outside the run directory"),
        "symlink-device": ("traces/zero.pcapng", "resolves outside the run directory"),
        "directory": ("traces/dir.pcapng", "not a regular file"),
    }
    path = os.path.join(run, "record.json")
    rec = load(path)
    good = rec["tests"][0]
    for name, (trace, _) in sorted(bad.items()):
        t = copy.deepcopy(good)
        t.update(name=name, trace=trace, line=good["line"] + len(rec["tests"]))
        rec["tests"].append(t)
    # A test whose trace is gone keeps its plots, but not ones outside the run.
    t = copy.deepcopy(good)
    t.update(name="plots", trace="traces/gone.pcapng", line=good["line"] + len(rec["tests"]),
             plots=[{"file": "/etc/passwd", "title": "abs"}, {"file": "traces/fifo.pcapng", "title": "fifo"},
                    {"file": "../outside.pcapng", "title": "up"}])
    rec["tests"].append(t)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(rec, f)
    out = os.path.join(d, "elsewhere")
    for args in (["report", run], ["report", "-o", out, run]):
        try:
            p = subprocess.run([ctx.pumphil] + args, cwd=ctx.src, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=60)
        except subprocess.TimeoutExpired:
            raise Fail("pumphil %s hangs (a FIFO named by the record?)" % " ".join(args))
        sys.stdout.write(p.stdout.decode("utf-8", "replace"))
        check(p.returncode == 0, "pumphil %s: exit %d, expected 0" % (" ".join(args), p.returncode))
    for where in (run, out):
        got = {t["name"]: t for t in load(os.path.join(where, "record.json"))["tests"]}
        check("trace_error" not in got[good["name"]], "the good test lost its trace: %s" % got[good["name"]].get("trace_error"))
        for name, (trace, why) in bad.items():
            err = got[name].get("trace_error", "")
            check(why in err, "%s: trace %r: trace_error %r lacks %r" % (where, trace, err, why))
        check(all(p.get("missing") for p in got["plots"]["plots"]), "a plot outside the run is shown: %s" % got["plots"]["plots"])
        with open(os.path.join(where, "index.html"), encoding="utf-8") as f:
            page = f.read()
        for name, (trace, _) in bad.items():
            check('href="%s"' % trace.replace("'", "&#39;") not in page, "index.html links the refused trace %r" % trace)
        for p in ("/etc/passwd", "traces/fifo.pcapng", "../outside.pcapng"):
            check('src="%s"' % p not in page, "index.html shows the plot %r" % p)
    return 0


def browser(ctx):
    """Acceptance 2: tools/report-check.py loads a real report in headless
    Chromium with the network off, checks its content and that every image
    loads, and leaves a screenshot ($REPORT_SCREENSHOT) as the test's output."""
    d = ctx.fresh("browser")
    ctx.run(["run", "--report", d, ctx.path("scripts/regression/delivery_24h.lua"),
             ctx.path("tests/integration/report/bench.lua")], rc=1)
    rec = load(os.path.join(d, "record.json"))
    shot = os.environ.get("REPORT_SCREENSHOT") or os.path.join(ctx.work, "report_browser_screenshot.png")
    expect = ["FAILED: 5 tests, 4 passed, 1 failed, 0 errored, 0 skipped", "Environment", "100001",
              "Traceability", "Requirements no test covers:", "REQ-ROB-001", "covered, failing",
              "occlusion goes unnoticed (deliberately failing)", "Events around the failure",
              "delivered in 6 h", "occlusion alarm latency"]
    args = [sys.executable, ctx.path("tools/report-check.py"), os.path.join(d, "index.html"),
            "--screenshot", shot, "--min-images", str(len(rec["tests"]) if can_plot(rec) else 0)]
    for e in expect:
        args += ["--expect", e]
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    print(p.stdout.decode(errors="replace"))
    check(p.returncode == 0, "report-check failed")
    return 0


CHECKS = {f.__name__: f for f in (demo, schema, escaping, merge, killed, regenerate, confine, browser)}


def main():
    if len(sys.argv) != 5 or sys.argv[4] not in CHECKS:
        print(__doc__)
        return 2
    ctx = Ctx(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3]))
    os.makedirs(ctx.work, exist_ok=True)
    try:
        return CHECKS[sys.argv[4]](ctx)
    except Fail as e:
        print("FAIL: %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
