#!/usr/bin/env python3
"""Every function documented in docs/scripting.md is used by at least one
test script (tests/**/*.lua or scripts/**/*.lua)."""
import pathlib, re, sys

root = pathlib.Path(sys.argv[1])
doc = (root / "docs/scripting.md").read_text()
names = re.findall(r"^### `([^`]+)`", doc, re.M)
if len(names) < 40:
    sys.exit(f"only {len(names)} documented functions found: the heading format changed?")
code = "\n".join(p.read_text() for d in ("tests", "scripts") for p in (root / d).rglob("*.lua"))
missing = []
for name in names:
    # pump:program -> ":program" or ".program"; expect.eq -> "expect.eq"; suite -> "suite"
    if ":" in name:
        pat = r"[:.]" + re.escape(name.split(":", 1)[1]) + r"\s*[({\"]"
    elif name.startswith("b."):
        pat = r"\." + re.escape(name[2:]) + r"\b"
    else:
        pat = r"(?<![\w.:])" + re.escape(name) + r"\b(?!\s*=)"
    if not re.search(pat, code):
        missing.append(name)
if missing:
    sys.exit("documented but used by no test script: " + ", ".join(missing))
print(f"{len(names)} documented functions, each used by a test script")
