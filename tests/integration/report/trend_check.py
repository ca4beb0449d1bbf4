#!/usr/bin/env python3
"""trend_check.py BIN SRC WORK: the report's trend (docs/reports.md).

Five runs of trend/before.lua (seeds 1..5, three repeats each) and a sixth
of trend/after.lua, whose "shifting reading" is 30 % up, into a temporary
SQLite history; then the sixth run's index.html must show, for each
measurement, an inline SVG sparkline of six points (this run last), the
"moved" badge on the planted shift and not on the steady reading.  `pumphil
report` must draw the same from the history, --trend-runs N must give N
points, and --no-history, an unreachable history or a first run none (the
report still written, at most a warning).  The trend never reaches
record.json.
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_html import check_html  # noqa: E402

BIN, SRC, WORK = sys.argv[1:4]
DIR = os.path.join(SRC, "tests/integration/report/trend")
DB = os.path.join(WORK, "history.sqlite")
URL = "sqlite:" + DB


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def pumphil(*args, rc=(0,)):
    p = subprocess.run([BIN, *args], cwd=SRC, capture_output=True, text=True,
                       env=dict(os.environ, PUMPHIL_HISTORY="off"))
    if p.returncode not in rc:
        fail("pumphil %s: exit %d\n%s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p


class Rows(html.parser.HTMLParser):
    """Per test section ("suite / name"), per measurements row: the trend
    cell's polyline points and whether it has the moved badge."""

    def __init__(self):
        super().__init__()
        self.test = None
        self.in_h3 = False
        self.h3 = ""
        self.rows = []  # (test, points or None, moved, badge text)
        self.cell = None
        self.badge = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h3":
            self.in_h3, self.h3 = True, ""
        elif tag == "td" and a.get("class") == "trend":
            self.cell = {"points": None, "moved": False, "badge": ""}
        elif self.cell is not None and tag == "polyline":
            self.cell["points"] = a.get("points", "").split()
        elif self.cell is not None and tag == "span" and "moved" in a.get("class", ""):
            self.cell["moved"] = True
            self.badge = self.cell

    def handle_endtag(self, tag):
        if tag == "h3":
            self.in_h3 = False
            self.test = re.sub(r"^\s*\S+\s+", "", self.h3).strip()
        elif tag == "span":
            self.badge = None
        elif tag == "td" and self.cell is not None:
            self.rows.append((self.test, self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.in_h3:
            self.h3 += data
        if self.badge is not None:
            self.badge["badge"] += data


def rows(path):
    p = Rows()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p.rows


def check_trend(path, npoints):
    with open(path, encoding="utf-8") as f:
        problems = check_html(f.read())
    if problems:
        fail("%s is not well-formed: %s" % (path, "; ".join(problems[:5])))
    got = rows(path)
    steady = [c for t, c in got if t == "trend / steady"]
    shift = [c for t, c in got if t == "trend / planted shift"]
    if len(steady) != 3 or len(shift) != 3:
        fail("%s: expected a trend cell per repeat of each test, got %d steady, %d shift: %s"
             % (path, len(steady), len(shift), got))
    for c in steady + shift:
        if c["points"] is None or len(c["points"]) != npoints:
            fail("%s: a sparkline of %s points, expected %d" % (path, c["points"], npoints))
        x, y = (float(v) for v in c["points"][-1].split(","))
        if not 0 <= x <= 120 or not 0 <= y <= 24:
            fail("%s: point %s outside the 120x24 sparkline" % (path, c["points"][-1]))
    if any(c["moved"] for c in steady):
        fail("%s: the steady reading is marked moved: %s" % (path, steady))
    for c in shift:
        if not c["moved"] or not re.search(r"\+3\d\.\d%.*\(p [0-9.e-]+\)", c["badge"]):
            fail("%s: the planted shift is not marked moved (+30 %%, p): %s" % (path, c))


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
for seed in range(1, 7):
    script = "before.lua" if seed < 6 else "after.lua"
    pumphil("run", "-q", "--seed", str(seed), "--repeat", "3", "--history", URL,
            "--report", os.path.join(WORK, "r%d" % seed), os.path.join(DIR, script))
last = os.path.join(WORK, "r6")

# The first run had no earlier run: no sparkline, no badge.
with open(os.path.join(WORK, "r1/index.html"), encoding="utf-8") as f:
    if "<svg" in f.read():
        fail("r1/index.html: a trend with no earlier run")
# The sixth run's report, written before the run was stored.
check_trend(os.path.join(last, "index.html"), 6)
with open(os.path.join(last, "record.json"), encoding="utf-8") as f:
    for t in json.load(f)["tests"]:
        for m in t.get("measurements", []):
            if "trend" in m:
                fail("record.json carries a trend: %s" % m)
# Regenerated, now that the run is stored: the same six points.
pumphil("report", "--no-plots", "--history", URL, "-o", os.path.join(WORK, "again"), last,
        rc=(0,))
check_trend(os.path.join(WORK, "again/index.html"), 6)
before = [c["points"] for _, c in rows(os.path.join(last, "index.html"))]
after = [c["points"] for _, c in rows(os.path.join(WORK, "again/index.html"))]
if before != after:
    fail("pumphil report draws other points than the run did:\n%s\n%s" % (before, after))
# N runs.
pumphil("report", "--no-plots", "--history", URL, "--trend-runs", "4", "-o",
        os.path.join(WORK, "four"), last)
check_trend(os.path.join(WORK, "four/index.html"), 4)
# No history, or one that cannot be reached: no trend, the report written.
pumphil("report", "--no-plots", "--history", URL, "--no-history", "-o",
        os.path.join(WORK, "none"), last)
p = pumphil("report", "--no-plots", "--history", "postgresql://127.0.0.1:1/nowhere", "-o",
            os.path.join(WORK, "down"), last)
if "warning: report: no trends:" not in p.stderr:
    fail("no warning for an unreachable history: %r" % p.stderr)
for d in ("none", "down"):
    with open(os.path.join(WORK, d, "index.html"), encoding="utf-8") as f:
        if "<svg" in f.read():
            fail("%s/index.html: a trend without a history" % d)
print("ok: six-point sparklines, the planted shift moved and the steady reading not, "
      "--trend-runs, no history")
