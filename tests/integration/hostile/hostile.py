#!/usr/bin/env python3
"""hostile.py - the bad-input suite: hostile inputs for the files pumphil
reads, each run through the real binary and checked.

  hostile.py PUMPHIL SOURCE_DIR WORK_DIR [--seed N] [--scale X] [--jobs N]
             [--kinds K,K...] [--timeout S] [--list]

Every KIND (the KINDS table at the end) names the file it attacks, a
generator of cases and the command line that reads the input.  A case is
one input (plus the files around it) that pumphil must refuse, with a
regular expression saying where the error must point.  Each run must:

  - exit with the kind's status (2: refused);
  - print exactly one line, which names the input file and where in it
    (byte offset, block, line, field: the case's `where`);
  - show no sanitizer report (AddressSanitizer, UBSan, LeakSanitizer);
  - end within --timeout seconds (no hang);
  - write nothing outside its report directory (the case's out/).

A kind may replace these with its own check (record paths: the report is
made, each refused path is a trace_error).

Each kind makes its count of cases (times --scale) from --seed (default
1): the same seed gives the same cases.  Cases known to fail because of a defect not
fixed yet are listed in KNOWN with the hardening issue's item; they are
run and reported, but do not fail the suite (one that passes is reported
too, so the entry can go).  Exit 0 when every other case passes, 1 if not.

To add a kind (profiles, catalogues, drug library, scripts...): write a
generator `gen_x(rng, n)` yielding Case objects and add a Kind row to KINDS
with the command line and a count; "{input}" is the case's input path,
"{out}" its report directory, "{src}" the source tree.
"""
import argparse
import concurrent.futures
import copy
import json
import os
import random
import re
import shutil
import stat
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapng  # noqa: E402

SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|"
                       r"ERROR: \w+Sanitizer")

# Special file contents.
FIFO, DIRECTORY = object(), object()


class Case:
    """One hostile input.  files: {relative path: bytes | FIFO | DIRECTORY |
    ("symlink", target)}; input: the path the command reads; where: a regex
    (with {file} for the escaped input path) the output line must match, or
    {kind name: regex, "*": regex} when the commands say it differently."""

    def __init__(self, name, files, input, where, rc=2):
        self.name, self.files, self.input, self.where, self.rc = name, files, input, where, rc


class Kind:
    """name: "file/command"; reads: what file; gen(rng, n): the cases; argv:
    the command line (or a function of the case giving it); count: cases
    per run at --scale 1; check(case, rc, output, casedir): replaces the
    default checks, returns what is wrong or None."""

    def __init__(self, name, reads, gen, argv, count, check=None):
        self.name, self.reads, self.gen, self.argv, self.count, self.check = name, reads, gen, argv, count, check


# ---- traces -----------------------------------------------------------------

def trace_case(name, t, where, path="in/trace.pcapng"):
    return Case(name, {path: bytes(t.data)}, path, where)


def gen_trace(rng, n):
    """Broken pcapng traces: every check of the reader, at a random block of
    a random trace (either byte order), and time stamps past 64-bit ns."""
    makers = [m for m in globals().values() if callable(m) and getattr(m, "trace_defect", False)]
    for i in range(n):
        maker = makers[i % len(makers)]
        yield maker(rng, "%s-%04d" % (maker.__name__[3:], i))


def trace_defect(f):
    f.trace_defect = True
    return f


def base_trace(rng, **kw):
    return pcapng.harness_trace(rng, endian=rng.choice("<<>"), **kw)


def some_block(rng, t, types=None):
    blocks = [b for b in t.blocks[1:] if types is None or b.type in types]
    return rng.choice(blocks)


@trace_defect
def tr_block_length_unaligned(rng, name):
    t = base_trace(rng)
    b = some_block(rng, t)
    bad = rng.choice([rng.randrange(0, 12), rng.randrange(13, 1 << 20) | 1, rng.randrange(4, 1 << 29) * 4 + 2])
    t.put32(b.offset + 4, bad)
    return trace_case(name, t, r"{file}: offset %d: block length %d is not a multiple of 4" % (b.offset + 4, bad))


@trace_defect
def tr_block_length_huge(rng, name):
    t = base_trace(rng)
    b = some_block(rng, t)
    bad = rng.randrange((16 << 20) // 4 + 1, 1 << 30) * 4
    t.put32(b.offset + 4, bad)
    return trace_case(name, t, r"{file}: offset %d: block length %d is larger than" % (b.offset + 4, bad))


@trace_defect
def tr_trailing_length(rng, name):
    t = base_trace(rng)
    b = some_block(rng, t)
    bad = b.length
    while bad == b.length:
        bad = rng.randrange(0, 1 << 32)
    t.put32(b.offset + b.length - 4, bad)
    return trace_case(name, t, r"{file}: offset %d: trailing block length %d differs from %d" % (
        b.offset + b.length - 4, bad, b.length))


@trace_defect
def tr_undeclared_interface(rng, name):
    t = base_trace(rng)
    b = some_block(rng, t, (pcapng.EPB,))
    bad = rng.choice([3, 4, rng.randrange(5, 1 << 32)])
    t.put32(b.offset + 8, bad)
    return trace_case(name, t, r"{file}: offset %d: packet on undeclared interface %d" % (b.offset + 8, bad))


@trace_defect
def tr_captured_length(rng, name):
    t = base_trace(rng)
    b = some_block(rng, t, (pcapng.EPB,))
    bad = rng.randrange(b.length - 31, 1 << 32)
    t.put32(b.offset + 20, bad)
    return trace_case(name, t, r"{file}: offset %d: captured length %d runs past its block" % (b.offset + 20, bad))


@trace_defect
def tr_byte_order_magic(rng, name):
    t = base_trace(rng)
    bad = rng.randrange(0, 1 << 32)
    if bad in (pcapng.MAGIC, 0x4D3C2B1A):
        bad ^= 1
    struct.pack_into("<I", t.data, 8, bad)
    return trace_case(name, t, r"{file}: offset 8: bad byte-order magic 0x%08x" % bad)


@trace_defect
def tr_major_version(rng, name):
    t = pcapng.Trace(rng.choice("<>"))
    major = rng.choice([0, 2, rng.randrange(3, 1 << 16)])
    t.shb(major=major)
    return trace_case(name, t, r"{file}: offset 12: unsupported pcapng major version %d" % major)


@trace_defect
def tr_time_stamp_bits(rng, name):
    """Top bits of a packet's time stamp flipped: past 2^62 ns."""
    t = base_trace(rng)
    b = some_block(rng, t, (pcapng.EPB,))
    hi = (b.ts >> 32) | rng.choice([0x40000000, 0x80000000, 0xC0000000, rng.randrange(0x40000000, 1 << 32)])
    t.put32(b.offset + 12, hi)
    b.ts = hi << 32 | (b.ts & 0xFFFFFFFF)
    first = t.first_out_of_range()
    return trace_case(name, t, r"{file}: block %d at byte %d: time stamp out of range" % (first.number, first.offset))


@trace_defect
def tr_time_stamp_offset(rng, name):
    """A huge if_tsoffset on one interface."""
    j = rng.randrange(3)
    off = rng.choice([1, -1]) * rng.randrange(4611686019, 1 << 63)
    ifaces = [pcapng.Iface(147, "pump"), pcapng.Iface(147, "fixture"), pcapng.Iface(148, "events")]
    ifaces[j].tsoffset = max(min(off, (1 << 63) - 1), -(1 << 63))
    t = base_trace(rng, ifaces=ifaces)
    first = t.first_out_of_range()
    if first is None:  # no packet on that interface: add one
        first = t.epb(j, 5, b"\x01\x00")
    return trace_case(name, t, r"{file}: block %d at byte %d: time stamp out of range" % (first.number, first.offset))


@trace_defect
def tr_time_stamp_seconds(rng, name):
    """if_tsresol 0x00 or 0x80 (1 s units) and packet times in ns."""
    j = rng.randrange(3)
    ifaces = [pcapng.Iface(147, "pump"), pcapng.Iface(147, "fixture"), pcapng.Iface(148, "events")]
    ifaces[j].tsresol = rng.choice([0x00, 0x80])
    t = base_trace(rng, ifaces=ifaces, t0=rng.randrange(10 ** 10, 10 ** 15))
    first = t.first_out_of_range()
    if first is None:
        first = t.epb(j, rng.randrange(4611686019, 1 << 64), b"\x01\x00")
    return trace_case(name, t, r"{file}: block %d at byte %d: time stamp out of range" % (first.number, first.offset))


@trace_defect
def tr_tsresol(rng, name):
    j = rng.randrange(3)
    v = rng.choice([0x80 | rng.randrange(63, 128), rng.randrange(20, 128)])
    ifaces = [pcapng.Iface(147, "pump"), pcapng.Iface(147, "fixture"), pcapng.Iface(148, "events")]
    ifaces[j].tsresol = v
    t = base_trace(rng, ifaces=ifaces)
    return trace_case(name, t, r"{file}: offset %d: unsupported if_tsresol 0x%02x" % (t.blocks[1 + j].offset, v))


@trace_defect
def tr_option_length(rng, name):
    """An interface option whose length runs past the block."""
    j = rng.randrange(3)
    ifaces = [pcapng.Iface(147, "pump"), pcapng.Iface(147, "fixture"), pcapng.Iface(148, "events")]
    t0 = pcapng.Trace("<")
    raw = t0.u16(rng.randrange(15, 100)) + t0.u16(rng.randrange(200, 1 << 16))
    ifaces[j].raw_options = raw
    t = pcapng.Trace("<")
    t.shb()
    for f in ifaces:
        t.idb(f)
    b = t.blocks[1 + j]
    # The option sits after if_name, if_tsresol: at 16 + their padded sizes.
    pos = 16 + 4 + ((len(ifaces[j].name) + 3) & ~3) + 8
    code, length = struct.unpack_from("<HH", t.data, b.offset + pos)
    return trace_case(name, t, r"{file}: offset %d: option %d length %d runs past its block" % (
        b.offset + pos, code, length))


@trace_defect
def tr_short_block(rng, name):
    """A block shorter than its type's fixed part, appended to a good trace
    (a section header keeps room for its byte-order magic)."""
    t = base_trace(rng)
    kind = rng.choice(["interface", "packet", "section header"])
    length = rng.choice({"interface": [12, 16], "packet": [12, 16, 20, 24, 28],
                         "section header": [16, 20, 24]}[kind])
    btype = {"interface": pcapng.IDB, "packet": pcapng.EPB, "section header": pcapng.SHB}[kind]
    body = bytearray(length - 12)
    if kind == "section header":
        body[0:4] = t.u32(pcapng.MAGIC)
    off = len(t.data)
    t.data += t.u32(btype) + t.u32(length) + body + t.u32(length)
    return trace_case(name, t, r"{file}: offset %d: %s block too short \(%d bytes\)" % (off, kind, length))


@trace_defect
def tr_not_pcapng(rng, name):
    choice = rng.randrange(5)
    if choice == 0:
        data = b""
        where = r"{file}: offset 0: empty file, not a pcapng trace"
    elif choice == 1:
        data = bytes.fromhex("0a0d0d0a")[: rng.randrange(1, 4)] + bytes(rng.randrange(0, 256) for _ in range(rng.randrange(0, 7)))
        where = r"{file}: offset 0: not a pcapng file"
    elif choice == 2:  # a libpcap file
        data = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 147) + bytes(
            rng.randrange(0, 256) for _ in range(rng.randrange(0, 64)))
        where = r"{file}: offset 0: not a pcapng file \(no section header block\)"
    elif choice == 3:
        data = ("not a trace %d\n" % rng.randrange(10 ** 9)).encode() * rng.randrange(1, 50)
        where = r"{file}: offset 0: not a pcapng file \(no section header block\)"
    else:
        data = bytes([rng.randrange(0, 256) for _ in range(rng.randrange(12, 4096))])
        if data[:4] == bytes.fromhex("0a0d0d0a"):
            data = b"\0" + data[1:]
        where = r"{file}: offset 0: not a pcapng file \(no section header block\)"
    # `pumphil report` reads a file that is not pcapng as a record.json.
    return Case(name, {"in/trace.pcapng": data}, "in/trace.pcapng",
                {"*": where, "trace/report": r"{file}:\d+:\d+: "})


@trace_defect
def tr_second_section(rng, name):
    """A second section header with a bad magic in the middle."""
    t = base_trace(rng)
    off = len(t.data)
    bad = rng.randrange(0, 1 << 32)
    if bad in (pcapng.MAGIC, 0x4D3C2B1A):
        bad ^= 2
    t.data += t.u32(pcapng.SHB) + struct.pack("<I", 28) + struct.pack("<I", bad) + b"\1\0\0\0" + b"\xff" * 8 + struct.pack("<I", 28)
    return trace_case(name, t, r"{file}: offset %d: bad byte-order magic 0x%08x" % (off + 8, bad))


def gen_trace_files(rng, n):
    """A trace that is not a regular file: refused at once, never waited on
    (view only: `pumphil report DIR` reads a run directory)."""
    for i in range(n):
        if i % 2:
            yield Case("fifo-%04d" % i, {"in/trace.pcapng": FIFO}, "in/trace.pcapng", r"{file}: not a regular file")
        else:
            yield Case("directory-%04d" % i, {"in/trace.pcapng": DIRECTORY}, "in/trace.pcapng",
                       r"{file}: not a regular file")


# ---- records (record.json) --------------------------------------------------

def base_record(rng):
    tests = []
    for k in range(rng.randrange(1, 6)):
        tests.append({
            "suite": "hostile", "name": "test %d" % k, "file": "h.lua", "line": k + 1,
            "verdict": rng.choice(["pass", "fail", "error", "skip"]), "message": "m", "where": "h.lua:%d" % (k + 1),
            "tags": ["a"], "req": ["REQ-DEL-001"], "hazard": [], "log": ["x"],
            "measurements": [{"name": "v", "value": 1.5, "unit": "mL", "min": 0, "max": 2, "verdict": "pass"}],
            "wall_ms": 1.0, "bench_ns": 1000, "checks": 1,
        })
    return {"schema": "pumphil-record/1",
            "run": {"id": "hostile-%d" % rng.randrange(10 ** 6), "harness_version": "0.1.0", "board": "sim", "seed": 1},
            "tests": tests}


def record_case(name, text, where):
    data = text if isinstance(text, bytes) else text.encode()
    return Case(name, {"in/record.json": data}, "in/record.json", where)


SYNTAX = r"{file}:\d+:\d+: "  # jansson: file:line:column: text


def structural_positions(text):
    """Offsets of JSON structural characters outside strings."""
    out, in_str, esc = [], False, False
    for i, c in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "{}[]:,":
            out.append(i)
    return out


def line_col(text, pos):
    return text.count("\n", 0, pos) + 1


def gen_record(rng, n):
    """Broken records: JSON syntax (truncated, a structural character
    swapped, invalid UTF-8, a NUL, duplicate keys, too deep, number
    overflow) and schema (each field the loader checks, of a wrong type)."""
    wrong = [1, 1.5, "s", [], {}, None, True, [1], ["s", 2], [{}, 1]]
    checked = {"suite": str, "file": str, "line": int, "message": str, "where": str, "tags": "strings",
               "req": "strings", "hazard": "strings", "log": "strings", "measurements": "objects",
               "wall_ms": "number", "bench_ns": "number", "checks": int, "trace": str, "spans": "objects",
               "events": "objects", "plots": "objects", "dut": dict}

    def is_ok(kind, v):
        if kind is str:
            return isinstance(v, str)
        if kind is int:
            return isinstance(v, int) and not isinstance(v, bool)
        if kind == "number":
            return isinstance(v, (int, float)) and not isinstance(v, bool)
        if kind is dict:
            return isinstance(v, dict)
        if kind == "strings":
            return isinstance(v, list) and all(isinstance(x, str) for x in v)
        if kind == "objects":
            return isinstance(v, list) and all(isinstance(x, dict) for x in v)
        return False

    for i in range(n):
        rec = base_record(rng)
        text = json.dumps(rec, indent=rng.choice([None, 1, 2]))
        which = i % 14
        name = "record-%04d" % i
        if which == 0:  # truncated
            cut = rng.randrange(0, len(text.rstrip()) - 1)
            yield record_case(name + "-truncated", text[:cut], SYNTAX if cut else r"{file}:\d+:\d+: |{file}: ")
        elif which == 1:  # a structural character replaced by another
            pos = rng.choice(structural_positions(text))
            c = rng.choice([x for x in "{}[]:," if x != text[pos]])
            yield record_case(name + "-structure", text[:pos] + c + text[pos + 1:], SYNTAX)
        elif which == 2:  # invalid UTF-8 inside a string
            data = text.encode()
            pos = data.index(b'"name": "') + 9
            yield record_case(name + "-utf8", data[:pos] + rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]) + data[pos:], SYNTAX)
        elif which == 3:  # a NUL byte
            data = text.encode()
            pos = rng.randrange(1, len(data) - 1)
            yield record_case(name + "-nul", data[:pos] + b"\0" + data[pos:], SYNTAX)
        elif which == 4:  # duplicate key
            yield record_case(name + "-duplicate", text[:-1] + ', "run": {}}', SYNTAX + r".*duplicate")
        elif which == 5:  # nesting deeper than the parser allows
            depth = rng.randrange(2100, 20000)
            bracket = rng.choice("[{")
            inner = ("[" * depth + "]" * depth) if bracket == "[" else ('{"a":' * depth + "1" + "}" * depth)
            yield record_case(name + "-deep", text[:-1] + ', "x": ' + inner + "}", SYNTAX)
        elif which == 6:  # numbers past double or integer
            v = rng.choice(["1e999", "-1e400", "123456789012345678901234567890"])
            yield record_case(name + "-number", text.replace('"line": 1', '"line": ' + v, 1), SYNTAX)
        elif which == 7:  # not an object
            yield record_case(name + "-toplevel", rng.choice(["1", '"s"', "null", "true"]), SYNTAX)
        elif which == 8:  # schema
            r = copy.deepcopy(rec)
            choice = rng.randrange(3)
            if choice == 0:
                del r["schema"]
                where = r"{file}: no \"schema\": not a pumphil record"
            elif choice == 1:
                r["schema"] = rng.choice(["pumphil-record/2", "", "x" * 300])
                where = r"{file}: schema '.*' is not pumphil-record/1"
            else:
                r["schema"] = rng.choice(wrong[:2] + wrong[3:])
                where = r"{file}: no \"schema\": not a pumphil record"
            yield record_case(name + "-schema", json.dumps(r), where)
        elif which == 9:  # run, runs, tests of the wrong shape
            r = copy.deepcopy(rec)
            choice = rng.randrange(3)
            if choice == 0:
                if rng.randrange(2):
                    r["run"] = rng.choice([1, "x", [], None])
                else:
                    del r["run"]
                where = r"{file}: no \"run\" object"
            elif choice == 1:
                r["runs"] = rng.choice([1, "x", {}, [1], [{}, "x"]])
                where = r"{file}: \"runs\" must be a list of objects"
            else:
                r["tests"] = rng.choice([1, "x", {}, None])
                where = r"{file}: no \"tests\" list"
            yield record_case(name + "-shape", json.dumps(r), where)
        elif which == 10:  # a test that is not an object, has no name or verdict
            r = copy.deepcopy(rec)
            k = rng.randrange(len(r["tests"]))
            choice = rng.randrange(4)
            suffix = "-test"
            if choice == 0:
                r["tests"][k] = rng.choice([1, "x", [], None])
                what = "not an object"
            elif choice == 1:
                r["tests"][k]["name"] = rng.choice([1, None, [], {}])
                what = r"no \"name\" string"
            elif choice == 2:
                del r["tests"][k]["verdict"]
                what = r"no \"verdict\" string"
            else:
                v = rng.choice(["maybe", "PASS", "", "x" * 200, "pass\n", "fail\r\nerror"])
                r["tests"][k]["verdict"] = v
                what = r"verdict '.*' is not pass, fail, error, skip, xfail, xpass or flaky"
                suffix = "-verdict-newline" if re.search("[\r\n]", v) else "-verdict"
            yield record_case(name + suffix, json.dumps(r), r"{file}: tests\[%d\]: %s" % (k, what))
        else:  # a checked field of the wrong type
            r = copy.deepcopy(rec)
            k = rng.randrange(len(r["tests"]))
            key = rng.choice(sorted(checked))
            v = rng.choice([w for w in wrong if w is not None and not is_ok(checked[key], w)])
            r["tests"][k][key] = v
            yield record_case(name + "-field-" + key, json.dumps(r),
                              r"{file}: tests\[%d\]: \"%s\" must be " % (k, key))


def gen_merge(rng, n):
    """pumphil merge of a good record and a broken one, or of the same run
    twice, or of shards of different splits (item 8)."""
    for i, case in enumerate(gen_record(rng, n)):
        name = "merge-%04d" % i
        good = base_record(rng)
        if i % 4 == 0:
            case = Case(name + "-twice", {"in/record.json": json.dumps(good).encode()}, "in/record.json",
                        r"pumphil merge: run '%s' \(in\) is given twice" % good["run"]["id"])
            case.twice = True
        elif i % 4 == 1:
            other = base_record(rng)
            good["run"]["shard"] = "1/3"
            other["run"]["shard"] = rng.choice(["2/4", "1/2", "3/5", "2/7"])
            case = Case(name + "-splits", {"in/record.json": json.dumps(other).encode()}, "in/record.json",
                        r"pumphil merge: run '%s' \(in\) is shard %s but run '%s' \(good\) is shard 1/3" % (
                            other["run"]["id"], other["run"]["shard"], good["run"]["id"]))
        else:
            case.name = name + case.name[len("record-0000"):]
        case.files["good/record.json"] = json.dumps(good).encode()
        yield case


def merge_argv(case):
    if getattr(case, "twice", False):
        return ["merge", "-o", "{out}", "{input}", "{input}"]
    return ["merge", "-o", "{out}", "good/record.json", "{input}"]


# ---- record paths (item 10) ------------------------------------------------

REFUSED = {  # what each hostile trace path must give as its trace_error
    "absolute": "absolute path refused", "dotdot": "'..' refused", "outside": "resolves outside the run directory",
    "special": "not a regular file", "empty": "empty trace path", "long": "path too long|File name too long",
}


def gen_record_paths(rng, n):
    """A run directory whose record names traces it may not read: absolute
    paths, '..', symlinks out, FIFOs, directories, devices.  The report is
    made (exit 0), each such test gets a trace_error, none hangs."""
    for i in range(n):
        t = pcapng.harness_trace(rng)
        rec = base_record(rng)
        for test in rec["tests"]:
            test["verdict"] = "pass"
        rec["tests"][0]["trace"] = "traces/0001.pcapng"
        files = {"run/traces/0001.pcapng": bytes(t.data)}
        kind = rng.choice(sorted(REFUSED))
        k = rng.randrange(1, len(rec["tests"])) if len(rec["tests"]) > 1 else None
        if k is None:
            rec["tests"].append(dict(rec["tests"][0], name="hostile path", line=99))
            k = len(rec["tests"]) - 1
        if kind == "absolute":
            path = rng.choice(["/dev/zero", "/dev/stdin", "/proc/self/mem", "/etc/passwd", "/", "/tmp",
                               "/dev/null", "//dev/zero"])
        elif kind == "dotdot":
            path = rng.choice(["..", "../x.pcapng", "traces/../../x.pcapng", "./../run/traces/0001.pcapng",
                               "traces/" + "../" * rng.randrange(1, 40) + "etc/passwd"])
            files["x.pcapng"] = bytes(t.data)
        elif kind == "outside":
            path = "traces/link%d.pcapng" % i
            files["run/" + path] = ("symlink", rng.choice(["/dev/zero", "/etc/passwd", "../../x.pcapng", "/tmp"]))
            files["x.pcapng"] = bytes(t.data)
        elif kind == "special":
            path = "traces/special%d.pcapng" % i
            files["run/" + path] = rng.choice([FIFO, DIRECTORY])
        elif kind == "empty":
            path = ""
        else:
            path = "traces/" + "a" * rng.randrange(4200, 9000)
        rec["tests"][k]["trace"] = path
        rec["tests"][k]["plots"] = [{"file": rng.choice(["/etc/passwd", "../x.pcapng", "traces/0001.pcapng/.."])}]
        files["run/record.json"] = json.dumps(rec).encode()
        case = Case("paths-%04d-%s" % (i, kind), files, "run", None, rc=0)
        case.hostile = (k, path, REFUSED[kind])
        yield case


def check_record_paths(case, rc, out, casedir):
    """Exit 0, a report whose hostile test has its trace_error (and no link),
    the good test read."""
    if rc != 0:
        return "exit %d, expected 0" % rc
    try:
        with open(os.path.join(casedir, "out", "record.json"), encoding="utf-8") as f:
            rec = json.load(f)
        with open(os.path.join(casedir, "out", "index.html"), encoding="utf-8") as f:
            page = f.read()
    except (OSError, ValueError) as e:
        return "no report: %s" % e
    k, path, why = case.hostile
    tests = rec["tests"]
    err = tests[k].get("trace_error", "") if k < len(tests) else ""
    if path and not re.search(why, err):
        return "tests[%d] (trace %r): trace_error %r, expected %r" % (k, path[:60], err[:200], why)
    if "trace_error" in tests[0]:
        return "the good test lost its trace: %s" % tests[0]["trace_error"]
    if path and ('href="%s"' % path) in page:
        return "index.html links the refused trace %r" % path[:60]
    if any(not p.get("missing") for p in tests[k].get("plots", [])):
        return "a plot outside the run is shown: %s" % tests[k]["plots"]
    return None


# ---- fault trees (Open-PSA MEF) ----------------------------------------------

class Tree:
    """A random valid fault tree, one element per line, so a defect knows
    its line."""

    def __init__(self, rng):
        self.rng = rng
        self.nev = rng.randrange(2, 9)
        self.ngates = rng.randrange(1, 6)
        self.lines = ['<?xml version="1.0"?>', "<opsa-mef>", '<define-fault-tree name="FT">']
        self.refs = []  # (line index, kind, name) of each reference
        self.defs = {}  # name -> line index of its define-*
        self.kids = {}  # gate number -> the gate numbers it uses
        for g in range(self.ngates):
            self.defs["g%d" % g] = len(self.lines)
            self.lines.append('<define-gate name="g%d">' % g)
            kids = self.children(g)
            self.kids[g] = [int(nm[1:]) for kind, nm in kids if kind == "gate"]
            op = rng.choice(["and", "or"] if len(kids) > 1 else ["not"])
            self.lines.append("<%s>" % op)
            for kind, nm in kids:
                self.refs.append((len(self.lines), kind, nm))
                self.lines.append('<%s name="%s"/>' % (kind, nm))
            self.lines += ["</%s>" % op, "</define-gate>"]
        self.lines.append("</define-fault-tree>")
        self.lines.append("<model-data>")
        for e in range(self.nev):
            self.defs["e%d" % e] = len(self.lines)
            self.lines += ['<define-basic-event name="e%d">' % e,
                           '<float value="%g"/>' % rng.choice([0.5, 0.1, 1e-3, 0.25]), "</define-basic-event>"]
        self.lines += ["</model-data>", "</opsa-mef>"]

    def children(self, g):
        rng = self.rng
        n = rng.randrange(1, 4)
        kids = []
        for _ in range(n):
            if g + 1 < self.ngates and rng.randrange(3) == 0:
                kids.append(("gate", "g%d" % rng.randrange(g + 1, self.ngates)))
            else:
                kids.append(("basic-event", "e%d" % rng.randrange(self.nev)))
        # No duplicate arguments: they are an error of their own.
        seen, out = set(), []
        for k in kids:
            if k[1] not in seen:
                seen.add(k[1])
                out.append(k)
        return out

    def text(self):
        return "\n".join(self.lines) + "\n"

    def ancestors(self, g):
        """g and every gate that reaches it."""
        out, grew = {g}, True
        while grew:
            grew = False
            for h, kids in self.kids.items():
                if h not in out and out.intersection(kids):
                    out.add(h)
                    grew = True
        return sorted(out)


def tree_case(name, text, where):
    data = text if isinstance(text, bytes) else text.encode()
    return Case(name, {"in/tree.xml": data}, "in/tree.xml", where)


def gen_tree(rng, n):
    """Broken fault trees: undefined references, cycles, duplicates, bad
    probabilities, empty or malformed formulas, invalid names, unsupported
    elements, a DOCTYPE (item 14), malformed XML, not MEF at all."""
    for i in range(n):
        t = Tree(rng)
        L = t.lines
        which = i % 16
        name = "tree-%04d" % i
        err = r"{file}:%d: error: "
        if which == 0:  # undefined reference
            li, kind, nm = rng.choice(t.refs)
            L[li] = '<%s name="nope%d"/>' % (kind, i)
            what = "undefined basic-event" if kind == "basic-event" else "undefined gate"
            yield tree_case(name + "-undefined", t.text(), err % (li + 1) + r"%s 'nope%d': %s" % (kind, i, what))
        elif which == 1:  # a gate using itself or a gate above it
            g = rng.randrange(t.ngates)
            li = t.defs["g%d" % g] + 1  # its operator line
            op = L[li][1:-1]
            if op == "not":
                L[li], L[li + 2] = "<or>", "</or>"
            L.insert(li + 1, '<gate name="g%d"/>' % rng.choice(t.ancestors(g)))
            yield tree_case(name + "-cycle", t.text(), r"{file}:\d+: error: define-gate 'g\d+': cycle g\d+ ->")
        elif which == 2:  # duplicate definition
            e = rng.randrange(t.nev)
            at = len(L) - 2
            L[at:at] = ['<define-basic-event name="e%d">' % e, '<float value="0.5"/>', "</define-basic-event>"]
            yield tree_case(name + "-duplicate", t.text(),
                            err % (at + 1) + r"define-basic-event 'e%d': duplicate definition" % e)
        elif which == 3:  # probability outside [0, 1] or not a number
            e = rng.randrange(t.nev)
            li = t.defs["e%d" % e] + 1
            v = rng.choice(["1.5", "-0.1", "nan", "inf", "abc", "", "1e999", "0x1p3"])
            L[li] = '<float value="%s"/>' % v
            yield tree_case(name + "-probability", t.text(), r"{file}:(%d|%d): error: " % (li, li + 1))
        elif which == 4:  # empty gate
            g = rng.randrange(t.ngates)
            li = t.defs["g%d" % g]
            end = L.index("</define-gate>", li)
            del L[li + 1:end]
            yield tree_case(name + "-empty-gate", t.text(), err % (li + 1) + r"define-gate 'g%d': empty gate" % g)
        elif which == 5:  # empty formula
            g = rng.randrange(t.ngates)
            li = t.defs["g%d" % g] + 1
            end = L.index("</define-gate>", li) - 1
            del L[li + 1:end]
            yield tree_case(name + "-empty-formula", t.text(), err % (li + 1) + r"\w+ 'g%d': empty formula" % g)
        elif which == 6:  # wrong number of arguments
            g = rng.randrange(t.ngates)
            li = t.defs["g%d" % g] + 1
            end = L.index("</define-gate>", li) - 1
            kids = L[li + 1:end]
            op = rng.choice(["and", "or", "xor", "not"])
            kids = kids[:1] if op != "not" else (kids + ['<basic-event name="e0"/>', '<basic-event name="e1"/>'])[:3]
            if op == "not" and len(set(kids)) < 2:
                kids = ['<basic-event name="e0"/>', '<basic-event name="e1"/>']
            L[li:end + 1] = ["<%s>" % op] + kids + ["</%s>" % op]
            yield tree_case(name + "-arity", t.text(), err % (li + 1) + r"%s 'g%d': needs " % (op, g))
        elif which == 7:  # atleast with a bad min
            g = rng.randrange(t.ngates)
            li = t.defs["g%d" % g] + 1
            end = L.index("</define-gate>", li) - 1
            v = rng.choice(["two", "0", "-1", "99", "", "1.5"])
            L[li] = '<atleast min="%s">' % v
            L[end] = "</atleast>"
            L[li + 1:end] = ['<basic-event name="e0"/>', '<basic-event name="e1"/>']
            yield tree_case(name + "-atleast", t.text(), err % (li + 1) + r"atleast 'g%d': " % g)
        elif which == 8:  # unknown formula element
            li, kind, nm = rng.choice(t.refs)
            L[li] = rng.choice(['<frobnicate name="x"/>', '<parameter name="p"/>', "<label>x</label><foo/>"])
            yield tree_case(name + "-element", t.text(), r"{file}:%d: error: " % (li + 1))
        elif which == 9:  # invalid or missing name
            g = rng.randrange(t.ngates)
            li = t.defs["g%d" % g]
            v = rng.choice(['name="a.b"', 'name=""', 'name="a b"', ""])
            L[li] = "<define-gate %s>" % v
            yield tree_case(name + "-name", t.text(), err % (li + 1) + r"define-gate '[^']*': (invalid name|missing name)")
        elif which == 10:  # a DOCTYPE, at a random line of the prolog
            pre = ["<!-- comment %d -->" % k for k in range(rng.randrange(0, 6))]
            dt = rng.choice(['<!DOCTYPE opsa-mef>', '<!DOCTYPE opsa-mef [<!ENTITY a "b">]>',
                             '<!DOCTYPE opsa-mef [\n<!ENTITY x "&y;&y;">\n<!ENTITY y "z">\n]>',
                             '<!DOCTYPE opsa-mef SYSTEM "http://example.invalid/mef.dtd">'])
            L[1:1] = pre + [dt]
            yield tree_case(name + "-doctype", t.text(),
                            err % (2 + len(pre)) + "document type declarations are not supported")
        elif which == 11:  # truncated inside the document
            text = t.text()
            end = text.rindex("</opsa-mef>")
            cut = rng.randrange(text.index("<opsa-mef>") + 10, end)
            yield tree_case(name + "-truncated", text[:cut], r"{file}:\d+: error: malformed XML: ")
        elif which == 12:  # mismatched end tag
            li = rng.choice([k for k, l in enumerate(L) if l.startswith("</") and l != "</opsa-mef>"])
            L[li] = "</wrong%d>" % i
            yield tree_case(name + "-mismatch", t.text(), r"{file}:\d+: error: malformed XML: ")
        elif which == 13:  # bytes that are not UTF-8, or a NUL
            li = rng.randrange(2, len(L) - 1)
            data = t.text().encode()
            pos = data.index(L[li].encode()) + 1
            yield tree_case(name + "-bytes", data[:pos] + rng.choice([b"\xff", b"\xc3\x28", b"\0"]) + data[pos:],
                            r"{file}:\d+: error: malformed XML: ")
        elif which == 14:  # deeper than the parser allows
            depth = rng.randrange(300, 3000)
            text = t.text().replace("<model-data>", "<model-data>" + "<label>" * depth + "</label>" * depth, 1)
            yield tree_case(name + "-deep", text, r"{file}:\d+: error: malformed XML: ")
        else:  # not an Open-PSA document, or empty
            v = rng.choice(["<opsa/>", "<html><body/></html>", "", "plain text", '<?xml version="1.0"?>'])
            yield tree_case(name + "-not-mef", v + "\n", r"{file}:\d+: error: ")


# ---- the table of kinds -----------------------------------------------------

KINDS = [
    Kind("trace/view-csv", "pcapng trace", gen_trace, ["view", "{input}", "--csv", "balance_ug,alarm_level"], 150),
    Kind("trace/view-png", "pcapng trace", gen_trace,
         ["view", "{input}", "--png", "{out}/view.png", "--size", "640x480"], 120),
    Kind("trace/report", "pcapng trace", gen_trace, ["report", "-o", "{out}", "--no-plots", "{input}"], 150),
    Kind("trace-file/view", "pcapng trace", gen_trace_files, ["view", "{input}", "--csv", "balance_ug"], 30),
    Kind("record/report", "record.json", gen_record, ["report", "-o", "{out}", "{input}"], 200),
    Kind("record/merge", "record.json", gen_merge, merge_argv, 100),
    Kind("record-paths/report", "record.json trace paths", gen_record_paths,
         ["report", "-o", "{out}", "--no-plots", "{input}"], 100, check=check_record_paths),
    Kind("faulttree/fta-analyse", "Open-PSA MEF fault tree", gen_tree, ["fta", "analyse", "{input}"], 200),
]

# Cases that fail today because of a defect not fixed yet: case-name regex
# -> "item N: what" (the hardening issue's numbering).  Run and reported,
# not failed.
KNOWN = {
    # Empty: every generated case passes.  A case that cannot be fixed yet
    # goes here as  r"name-regex$": "item N: why", and is then reported but
    # does not fail the suite.
}


# ---- running ------------------------------------------------------------------

def materialise(case, casedir):
    shutil.rmtree(casedir, ignore_errors=True)
    os.makedirs(os.path.join(casedir, "out"))
    for rel, content in case.files.items():
        p = os.path.join(casedir, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if content is FIFO:
            os.mkfifo(p)
        elif content is DIRECTORY:
            os.makedirs(p, exist_ok=True)
        elif isinstance(content, tuple) and content[0] == "symlink":
            os.symlink(content[1], p)
        else:
            with open(p, "wb") as f:
                f.write(content)


def snapshot(root):
    out = {}
    for d, dirs, files in os.walk(root):
        for nm in dirs + files:
            p = os.path.join(d, nm)
            st = os.lstat(p)
            out[os.path.relpath(p, root)] = (stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns)
    return out


def run_case(pumphil, src, kind, case, casedir, timeout):
    """Returns (status, detail): status 'pass' or 'fail'."""
    materialise(case, casedir)
    argv = kind.argv(case) if callable(kind.argv) else kind.argv
    args = [a.format(input=case.input, out="out", src=src) for a in argv]
    before = snapshot(casedir)
    env = dict(os.environ)
    env["LSAN_OPTIONS"] = "suppressions=%s:print_suppressions=0" % os.path.join(src, "tests", "lsan.supp")
    env.pop("DISPLAY", None)
    t0 = time.monotonic()
    try:
        p = subprocess.run([pumphil] + args, cwd=casedir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return "fail", "hangs: no exit within %ds (pumphil %s)" % (timeout, " ".join(args)[:200])
    took = time.monotonic() - t0
    out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
    if SANITIZER.search(out):
        line = next(l for l in out.splitlines() if SANITIZER.search(l))
        return "fail", "sanitizer: %s" % line.strip()[:300]
    after = snapshot(casedir)
    written = [pth for pth, v in after.items()
               if before.get(pth) != v and pth != "out" and not pth.startswith("out" + os.sep)]
    if written:
        return "fail", "wrote outside its report directory: %s" % ", ".join(sorted(written)[:5])
    if kind.check:
        why = kind.check(case, p.returncode, out, casedir)
        return ("fail", why) if why else ("pass", "%.2fs" % took)
    if p.returncode != case.rc:
        return "fail", "exit %d, expected %d: %s" % (p.returncode, case.rc, out.strip()[:300])
    if not out.endswith("\n") or out.count("\n") != 1:
        return "fail", "not exactly one line: %r" % out[:300]
    where = case.where.get(kind.name, case.where["*"]) if isinstance(case.where, dict) else case.where
    where = where.replace("{file}", re.escape(case.input))
    if not re.search(where, out):
        return "fail", "line does not say where (%s): %s" % (where, out.strip()[:300])
    return "pass", "%.2fs" % took


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pumphil")
    ap.add_argument("src")
    ap.add_argument("work")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0, help="cases per kind: its count times this")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--kinds", default="", help="comma-separated kind names (default: all)")
    ap.add_argument("--timeout", type=int, default=30, help="seconds per case")
    ap.add_argument("--list", action="store_true", help="list the kinds and exit")
    a = ap.parse_args()
    if a.list:
        for k in KINDS:
            print("%-24s %-26s pumphil %s" % (k.name, k.reads, " ".join(k.argv) if not callable(k.argv) else "merge ..."))
        return 0
    kinds = [k for k in KINDS if not a.kinds or k.name in a.kinds.split(",")]
    pumphil = os.path.abspath(a.pumphil)
    src = os.path.abspath(a.src)
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    jobs = []
    for ki, kind in enumerate(kinds):
        rng = random.Random("%d/%s" % (a.seed, kind.name))
        for ci, case in enumerate(kind.gen(rng, max(1, int(kind.count * a.scale)))):
            casedir = os.path.join(work, "%02d" % ki, "%04d" % ci)
            jobs.append((kind, case, casedir))
    t0 = time.monotonic()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = {ex.submit(run_case, pumphil, src, k, c, d, a.timeout): (k, c, d) for k, c, d in jobs}
        for fut in concurrent.futures.as_completed(futs):
            k, c, d = futs[fut]
            try:
                results[(k.name, c.name)] = fut.result()
            except Exception as e:  # a bug of this script: fail loudly
                results[(k.name, c.name)] = ("fail", "hostile.py: %r" % e)
    failed = 0
    table = ["%-24s %6s %6s %6s %6s %6s" % ("kind", "cases", "pass", "fail", "known", "xpass")]
    for kind in kinds:
        n = p = f = kn = xp = 0
        for (kname, cname), (status, detail) in sorted(results.items()):
            if kname != kind.name:
                continue
            n += 1
            known = next((why for pat, why in KNOWN.items() if re.search(pat, kname + "/" + cname)), None)
            if status == "pass":
                p += 1
                if known:
                    xp += 1
                    print("XPASS %s/%s (listed as %s): remove it from KNOWN" % (kname, cname, known))
            elif known:
                kn += 1
                print("KNOWN %s/%s (%s): %s" % (kname, cname, known, detail))
            else:
                f += 1
                print("FAIL  %s/%s: %s" % (kname, cname, detail))
        failed += f
        table.append("%-24s %6d %6d %6d %6d %6d" % (kind.name, n, p, f, kn, xp))
    print("\n".join(table))
    print("%d cases in %.0f s (seed %d, scale %g, %d jobs): %s" % (
        len(results), time.monotonic() - t0, a.seed, a.scale, a.jobs, "FAILED" if failed else "ok"))
    if not failed:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
