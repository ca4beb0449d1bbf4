#!/usr/bin/env python3
"""check_table.py SOURCE_DIR - docs/ARCHITECTURE.md's table of harness parts
and the ph_part() declarations in harness/CMakeLists.txt must agree: the
same parts, and for each the same dependencies (parts, project libraries and
system libraries).  Prints every disagreement; exit 1 if there is one."""
import re
import sys

LIBS = {
    "PkgConfig::JANSSON": "jansson", "PkgConfig::LUA": "Lua", "PkgConfig::USB": "libusb",
    "PkgConfig::UMOCKDEV": "umockdev", "PkgConfig::SDL": "SDL2", "PkgConfig::XML": "libxml2",
    "m": "libm", "pthread": "pthread", "pumphil_proto": "proto/", "pumphil_sim": "board/sim/",
    "pumphil_fw": "board/fw/", "PkgConfig::SQLITE": "SQLite", "PkgConfig::PQ": "libpq",
}


def cmake_parts(src):
    text = open(src + "/harness/CMakeLists.txt").read()
    parts = {}
    for m in re.finditer(r"^ph_part\((\w+)([^)]*)\)", text, re.M):
        deps = set()
        for d in m.group(2).split():
            deps.add(d[3:] + "/" if d.startswith("ph_") else LIBS.get(d, d))
        parts[m.group(1)] = deps
    return parts


def doc_parts(src):
    parts = {}
    in_table = False
    for line in open(src + "/docs/ARCHITECTURE.md"):
        if line.startswith("| part |"):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        if not in_table or line.startswith("| ---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        name = cells[0].strip("`").rstrip("/")
        deps = set(re.findall(r"`([^`]+)`", cells[2])) if cells[2] != "nothing" else set()
        parts[name] = {d if d.endswith("/") or d in LIBS.values() else d for d in deps}
    return parts


def main():
    src = sys.argv[1]
    c, d = cmake_parts(src), doc_parts(src)
    bad = 0
    if not c or not d:
        print("no parts found (CMake: %d, doc: %d)" % (len(c), len(d)))
        return 1
    for p in sorted(set(c) | set(d)):
        if p not in d:
            print("part %s/ is declared in harness/CMakeLists.txt but not in the table" % p)
            bad = 1
        elif p not in c:
            print("part %s/ is in docs/ARCHITECTURE.md but not declared in CMake" % p)
            bad = 1
        elif c[p] != d[p]:
            print("part %s/: CMake has %s, the table %s" % (
                p, ", ".join(sorted(c[p] - d[p])) or "-", ", ".join(sorted(d[p] - c[p])) or "-"))
            bad = 1
    print("%d parts, %s" % (len(c), "table and CMake disagree" if bad else "table and CMake agree"))
    return bad


if __name__ == "__main__":
    sys.exit(main())
