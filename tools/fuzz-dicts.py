#!/usr/bin/env python3
"""fuzz-dicts.py [SOURCE_DIR] - write tests/fuzz/dicts/fuzz_pp.dict and
fuzz_fw_rx.dict from proto/pp_messages.def: per message, the start of its
frame header (version 1, channel, type) and the header with a payload length,
and for fuzz_fw_rx the target's [channel][length] framing before it.  Run it
after changing the message table."""
import os
import re
import sys

SIZES = {"U8": 1, "U16": 2, "U32": 4, "U64": 8, "I32": 4, "I64": 8}
CHANNELS = {"PUMP": [0], "FIXTURE": [1], "ANY": [0, 1]}
HEAD = """# %s.dict - tokens of the pumphil wire protocol for libFuzzer's -dict=:
# per message, %s.
# Written by tools/fuzz-dicts.py from proto/pp_messages.def.
"""


def esc(b):
    return "".join("\\x%02x" % x for x in b)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    msgs, cur = [], None
    with open(os.path.join(src, "proto", "pp_messages.def"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"PP_MSG\((\w+), (0x[0-9a-fA-F]+), (\w+),", line)
            if m:
                cur = [m.group(1), int(m.group(2), 16), m.group(3), 0]
                msgs.append(cur)
                continue
            m = re.match(r"PP_F\((\w+), (\w+), ", line)
            if m:
                cur[3] += SIZES[m.group(2)]
    pp = [HEAD % ("fuzz_pp", "its frame header's start (version 1, channel, type) and the\n# header up to its payload length"),
          'delimiter="\\x00"', 'version="\\x01"', 'retry_flag="\\x01\\x00\\x01\\x01"']
    fw = [HEAD % ("fuzz_fw_rx", "each request's frame header start (version 1, channel, type)\n# after the target's [channel][length] framing"),
          'delimiter="\\x00"']
    for name, mid, ch, plen in msgs:
        for k in CHANNELS[ch]:
            hdr = bytes([1, k, mid])
            pp.append('%s_%d="%s"' % (name, k, esc(hdr)))
            pp.append('%s_%d_len="%s"' % (name, k, esc(hdr + bytes([0, 1, 0, plen, 0]))))
            if mid < 0x80:
                fw.append('%s_%d="%s"' % (name, k, esc(bytes([k, 16 + plen]) + hdr)))
    for name, lines in (("fuzz_pp", pp), ("fuzz_fw_rx", fw)):
        with open(os.path.join(src, "tests", "fuzz", "dicts", name + ".dict"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
