#!/usr/bin/env python3
"""Docs that run: every ```lua block of README.md and docs/*.md is executed.

    doc_examples.py PUMPHIL SOURCE_DIR [DOC_ROOT]
    doc_examples.py --self-test PUMPHIL SOURCE_DIR

The fence's info string says what a block is (docs/scripting.md, introduction):

  ```lua               a complete script: `pumphil run --no-report` on the
                       virtual bench must run at least one test and exit 0
  ```lua expect-fail   a failure demo: it must run and exit 1 (a test failed;
                       a script error, exit 4, is not the demo working)
  ```lua fragment      part of a script: compiled as the body of a function
                       (`return function() ... end` loaded by `pumphil run
                       --list`), never run; a syntax error fails

Any other word after `lua` is an error, so a typo cannot turn a block into
something that is never run. Prints per doc file the counts (run,
expect-fail, fragment) and, for each failing block, DOC.md:LINE with the
pumphil output (script lines renamed to doc lines). Exit 1 when a block
failed or no block was found at all.

--self-test runs the checker on tests/data/doc_examples/, a planted tree with
one block that passes per kind and one that is wrong per kind, and fails
unless exactly the wrong ones are reported.
"""
import concurrent.futures
import os
import pathlib
import re
import subprocess
import sys
import tempfile

KINDS = ("run", "expect-fail", "fragment")
FENCE = re.compile(r"^(\s*)```\s*lua\b(.*)$")
TIMEOUT_S = 120  # wall time per block; the examples take milliseconds on sim


def blocks(path):
    """(kind or None, line of the opening fence, code, bad info) per ```lua block."""
    out, lines, i = [], path.read_text().splitlines(), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, info = m.group(1), m.group(2).split()
        start, body, i = i + 1, [], i + 1
        while i < len(lines) and not lines[i].strip().startswith("```"):
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        if i == len(lines):
            out.append((None, start, "", "unterminated ```lua fence"))
            break
        i += 1
        if not info:
            kind, bad = "run", None
        elif len(info) == 1 and info[0] in KINDS[1:]:
            kind, bad = info[0], None
        else:
            kind, bad = None, f"unknown fence info 'lua {' '.join(info)}' (use lua, lua expect-fail or lua fragment)"
        out.append((kind, start, "\n".join(body) + "\n", bad))
    return out


def check(pumphil, source, tmp, rel, kind, line, code):
    """None when the block behaves as its kind says, else the reason and output."""
    name = f"{str(rel).replace('/', '_').replace('.', '_')}_L{line}.lua"
    script = tmp / name
    if kind == "fragment":
        # Same line numbers as the block: the wrapper opens on the first line.
        script.write_text("return function() " + code + "end\n")
        cmd = [pumphil, "run", "--list", name]
    else:
        script.write_text(code)
        cmd = [pumphil, "run", "--no-report", "--seed", "1", "--wall-timeout", "60s", name]
    cmd[3:3] = ["--fixtures", str(source / "fixtures")]
    try:
        p = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f"no answer in {TIMEOUT_S} s"
    output = (p.stdout + p.stderr).strip()
    # name.lua:K: -> DOC.md:(fence line + K): so the message points into the doc.
    output = re.sub(re.escape(name) + r":(\d+):",
                    lambda m: f"{rel}:{line + int(m.group(1))}:", output)
    passed = re.search(r"^(\d+) passed, (\d+) failed$", p.stdout, re.M)
    if kind == "run":
        if p.returncode != 0:
            return f"exit {p.returncode}, expected 0\n{output}"
        if not passed or int(passed.group(1)) == 0:
            return f"ran no test: a complete script defines at least one (or mark it lua fragment)\n{output}"
    elif kind == "expect-fail":
        if p.returncode != 1:
            return f"exit {p.returncode}, expected 1 (a test fails; 4 would be a script error)\n{output}"
    elif p.returncode != 0:
        return f"does not compile as a fragment (exit {p.returncode})\n{output}"
    return None


def run(pumphil, source, root):
    docs = [root / "README.md"] + sorted((root / "docs").glob("*.md"))
    docs = [d for d in docs if d.exists()]
    work, counts, failures = [], {}, []
    for doc in docs:
        rel = doc.relative_to(root)
        counts[rel] = dict.fromkeys(KINDS, 0)
        for kind, line, code, bad in blocks(doc):
            if bad:
                failures.append((f"{rel}:{line}", bad))
                continue
            counts[rel][kind] += 1
            work.append((rel, kind, line, code))
    with tempfile.TemporaryDirectory(prefix="doc_examples.") as t:
        tmp = pathlib.Path(t)
        jobs = max(1, min(2, os.cpu_count() or 1))
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            results = pool.map(lambda w: check(pumphil, source, tmp, *w), work)
            for (rel, kind, line, _), why in zip(work, results):
                if why:
                    failures.append((f"{rel}:{line}", f"({kind}) {why}"))
    for rel, c in counts.items():
        if sum(c.values()):
            print(f"{rel}: {c['run']} run, {c['expect-fail']} expect-fail, {c['fragment']} fragment")
    if not work and not failures:
        failures.append((str(root), "no ```lua block found: did the fence format change?"))
    for where, why in sorted(failures, key=lambda f: f[0]):
        print(f"FAIL {where}: {why}")
    total = sum(sum(c.values()) for c in counts.values())
    print(f"{total} lua blocks, {len(failures)} failing")
    return failures


def self_test(pumphil, source):
    root = source / "tests/data/doc_examples"
    want = set()
    for doc in [root / "README.md"] + sorted((root / "docs").glob("*.md")):
        for i, text in enumerate(doc.read_text().splitlines(), 1):
            if text.strip() == "<!-- must fail -->":
                # the marker sits on the line before the block's fence
                want.add(f"{doc.relative_to(root)}:{i + 1}")
    got = {where for where, _ in run(pumphil, source, root)}
    if len(want) < 5:
        sys.exit(f"self-test: only {len(want)} planted failures marked in {root}")
    if got != want:
        sys.exit(f"self-test: reported {sorted(got)}\n           planted  {sorted(want)}")
    print(f"self-test: the {len(want)} planted wrong blocks and only they are reported")


def main(argv):
    if len(argv) == 3 and argv[0] == "--self-test":
        self_test(os.path.abspath(argv[1]), pathlib.Path(argv[2]).resolve())
        return 0
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    source = pathlib.Path(argv[1]).resolve()
    root = pathlib.Path(argv[2]).resolve() if len(argv) == 3 else source
    return 1 if run(os.path.abspath(argv[0]), source, root) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
