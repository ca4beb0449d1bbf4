#!/usr/bin/env python3
"""The editor annotations (tools/lua/**/*.lua, lua-language-server ---@meta)
and docs/scripting.md list the same API.

    lua_annotations.py SOURCE_DIR              check the tree
    lua_annotations.py --self-test SOURCE_DIR  plant mismatches; each must be caught

Documented: every `### \`name\`` heading of docs/scripting.md, and the
members a table's heading names in its text (`units.fmt_time(...)` under
`### \`units\``).  Annotated: every `function` declared in the meta files and
every `---@field x fun(...)` of a class, named as the doc names them: methods
of the class pumphil.Bench as `b:`, pumphil.Pump `pump:`, pumphil.Fixture
`fixture:`, pumphil.Fault `fault:`; tables such as `expect`, `units` and the
module `faults` by their own name.  A documented non-function (`b.profile`,
`units`) must be a field of its class or a global table.  Both lists must
match, and every annotated function has a description line and one @param
per parameter, so hover and completion say what it takes.  .luacheckrc's
read_globals (and the fields of expect and units) name exactly the globals
the annotations declare, so luacheck and the editor agree.
"""
import pathlib
import re
import sys

PREFIX = {"pumphil.Bench": "b", "pumphil.Pump": "pump", "pumphil.Fixture": "fixture",
          "pumphil.Fault": "fault", "pumphil.faults": "faults"}


def documented(doc):
    heads = re.findall(r"^### `([^`]+)`", doc, re.M)
    names = set(heads)
    # A table's section documents the members it names: ### `units` ... `units.fmt_time(ns)`.
    for sec in re.split(r"^(?=#{1,3} )", doc, flags=re.M):
        m = re.match(r"### `(\w+)`\n", sec)
        if m:
            names |= set(re.findall(r"`(" + m.group(1) + r"\.\w+)\(", sec))
    return heads, names


def annotated(metas):
    """name -> (file, line, params, doc comment lines); fields: class -> set."""
    funcs, fields, var_class, globals_, fun_fields = {}, {}, {}, set(), []
    for path, text in metas:
        lines = text.splitlines()
        cls = None
        for i, line in enumerate(lines):
            m = re.match(r"---@class ([\w.]+)", line)
            if m:
                cls = m.group(1)
                fields.setdefault(cls, set())
                continue
            m = re.match(r"---@field (\w+)\??\s+(.*)", line)
            if m and cls:
                fields[cls].add(m.group(1))
                if m.group(2).startswith("fun("):
                    fun_fields.append((cls, m.group(1), path, i + 1, m.group(2)))
                continue
            m = re.match(r"(\w+)\s*=\s*[0-9]", line)
            if m:  # a unit constant: mL = 1000000
                globals_.add(m.group(1))
                cls = None
                continue
            m = re.match(r"(local\s+)?(\w+)\s*=\s*\{\}", line)
            if m:
                if cls:
                    var_class[m.group(2)] = cls
                if not m.group(1):
                    globals_.add(m.group(2))
                cls = None
                continue
            if not line.startswith("---"):
                cls = None
            m = re.match(r"function ([\w.:]+)\((.*?)\)", line)
            if not m:
                continue
            name, params = m.group(1), [p.strip() for p in m.group(2).split(",") if p.strip()]
            sep = ":" if ":" in name else "." if "." in name else None
            if sep:
                var, member = name.split(sep, 1)
                cls_of = var_class.get(var)
                p = PREFIX.get(cls_of, var) if cls_of else var
                name = f"{p}{sep}{member}"
            j, comments = i - 1, []
            while j >= 0 and lines[j].startswith("---"):
                comments.insert(0, lines[j])
                j -= 1
            funcs[name] = (path, i + 1, params, comments)
    # A fun-typed field is API on an API object (a class above or a global
    # table); on an option class (SuiteDef.setup) it is the script's callback.
    owner = {cls: var for var, cls in var_class.items() if var in globals_}
    for cls, field, path, line, typ in fun_fields:
        if cls in PREFIX or cls in owner:
            funcs[f"{PREFIX.get(cls) or owner[cls]}.{field}"] = (path, line, None, ["---" + typ])
    return funcs, fields, var_class, globals_


def check(doc, metas, luacheckrc=None):
    heads, docnames = documented(doc)
    funcs, fields, var_class, globals_ = annotated(metas)
    problems = []
    if len(heads) < 40:
        problems.append(f"only {len(heads)} documented functions found: the heading format changed?")
    if len(funcs) < 40:
        problems.append(f"only {len(funcs)} annotated functions found: the meta files moved?")
    cls_of_prefix = {v: k for k, v in PREFIX.items()}
    for name in heads:
        if name in funcs:
            continue
        if "." in name and ":" not in name:  # b.profile: a field of its class
            owner, member = name.split(".", 1)
            cls = cls_of_prefix.get(owner) or var_class.get(owner)
            if cls and member in fields.get(cls, ()):
                continue
        if re.fullmatch(r"\w+", name) and name in globals_:  # units: a global table
            continue
        problems.append(f"docs/scripting.md: `{name}` is documented but has no annotation")
    for name, (path, line, params, comments) in sorted(funcs.items()):
        if name not in docnames:
            problems.append(f"{path}:{line}: `{name}` is annotated but not documented in docs/scripting.md")
        if params is None:
            continue
        text = [c for c in comments if not c.startswith("---@")]
        if not text:
            problems.append(f"{path}:{line}: `{name}` has no description line")
        tagged = {m.group(1) for c in comments for m in [re.match(r"---@param (\w+)\??", c)] if m}
        for p in params:
            if p not in tagged and p != "...":
                problems.append(f"{path}:{line}: `{name}` has no @param for '{p}'")
        for p in tagged - set(params):
            problems.append(f"{path}:{line}: `{name}` annotates a parameter '{p}' it does not take")
    if luacheckrc is not None:
        problems += check_luacheck(luacheckrc, funcs, fields, var_class, globals_)
    return problems, len(heads), len(funcs)


def check_luacheck(rc, funcs, fields, var_class, globals_):
    """.luacheckrc's read_globals name what the annotations declare, no more, no less."""
    m = re.search(r"^read_globals = \{(.*?)^\}", rc, re.M | re.S)
    if not m:
        return [".luacheckrc: no read_globals = { ... } block"]
    block = m.group(1)
    tables = {n: set(re.findall(r'"(\w+)"', f))
              for n, f in re.findall(r"(\w+)\s*=\s*\{\s*fields\s*=\s*\{(.*?)\}", block, re.S)}
    plain = set(re.findall(r'"(\w+)"', re.sub(r"\w+\s*=\s*\{\s*fields\s*=\s*\{.*?\}\s*\}", "", block, flags=re.S)))
    want = {n for n in funcs if re.fullmatch(r"\w+", n)} | globals_
    problems = [f".luacheckrc: global '{n}' is annotated but not in read_globals" for n in sorted(want - plain - set(tables))]
    problems += [f".luacheckrc: read_globals has '{n}', which no annotation declares" for n in sorted((plain | set(tables)) - want)]
    for table, got in sorted(tables.items()):
        members = {n.split(".", 1)[1] for n in funcs if n.startswith(table + ".")}
        members |= fields.get(var_class.get(table), set())
        for n in sorted(members - got):
            problems.append(f".luacheckrc: {table}.{n} is annotated but not among read_globals.{table}'s fields")
        for n in sorted(got - members):
            problems.append(f".luacheckrc: read_globals.{table} lists '{n}', which no annotation declares")
    return problems


def load(root):
    doc = (root / "docs/scripting.md").read_text()
    metas = [(str(p.relative_to(root)), p.read_text()) for p in sorted((root / "tools/lua").rglob("*.lua"))]
    return doc, metas, (root / ".luacheckrc").read_text()


def self_test(root):
    doc, metas, rc = load(root)
    problems, _, _ = check(doc, metas, rc)
    if problems:
        sys.exit("self-test: the tree itself does not pass:\n" + "\n".join(problems))
    main_meta = next(i for i, (p, _) in enumerate(metas) if p.endswith("pumphil.meta.lua"))

    def with_meta(new):
        out = list(metas)
        out[main_meta] = (metas[main_meta][0], new)
        return out

    meta = metas[main_meta][1]
    plants = {
        "a documented function loses its annotation": ("`pump:hook` is documented",
            doc, with_meta(meta.replace("function Pump:hook(name, arg) end", ""))),
        "a new heading without an annotation": ("`pump:frobnicate` is documented",
            doc.replace("### `pump:log`", "### `pump:frobnicate`\n`pump:frobnicate()`.\n### `pump:log`"), metas),
        "an annotation without a heading": ("`fixture:tare` is annotated but not",
            doc.replace("### `fixture:tare`\n", ""), metas),
        "a field the doc promises is gone": ("`b.profile` is documented",
            doc, with_meta(meta.replace("---@field profile table", "---@field profil table"))),
        "a global luacheck does not know": ("global 'skip' is annotated but not in read_globals",
            doc, metas, rc.replace('"skip", ', "")),
        "a check luacheck does not know": ("expect.near is annotated but not among",
            doc, metas, rc.replace('"near", ', "")),
        "a parameter without @param": ("`b:run_for` has no @param for 'duration'",
            doc, with_meta(meta.replace("---@param duration number ns\n", ""))),
    }
    plants = {k: v if len(v) == 4 else v + (rc,) for k, v in plants.items()}
    for what, (want, d, m, r) in plants.items():
        assert d != doc or m != metas or r != rc, f"self-test plant did not apply: {what}"
        found, _, _ = check(d, m, r)
        hit = [f for f in found if want in f]
        if not hit:
            sys.exit(f"self-test: not caught: {what} (reported: {found})")
        print(f"self-test: caught {what}: {hit[0]}")
    print(f"self-test: all {len(plants)} planted mismatches caught")


def main(argv):
    if len(argv) == 2 and argv[0] == "--self-test":
        self_test(pathlib.Path(argv[1]))
        return 0
    if len(argv) != 1:
        sys.exit(__doc__)
    problems, nheads, nfuncs = check(*load(pathlib.Path(argv[0])))
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"{nheads} documented names and {nfuncs} annotated functions agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
