"""pcapng.py - build small pcapng traces the way pumphil's recorder lays them
out (harness/trace/trace.h), with every block's offset noted, so hostile.py
can break one block and say where the reader must report it.

Only the standard library; either byte order.
"""
import json
import struct

SHB, IDB, EPB = 0x0A0D0D0A, 0x00000001, 0x00000006
MAGIC = 0x1A2B3C4D
LIMIT_NS = 1 << 62  # PH_TRACE_T_LIMIT: every time stamp strictly inside +-2^62 ns


def tsresol_units(v):
    """Units per second of if_tsresol v, or 0 when pumphil refuses it."""
    e = v & 0x7F
    if v & 0x80:
        return 0 if e >= 63 else 1 << e
    return 0 if e > 19 else 10 ** e


def to_ns(units, offset_s, ts):
    """The exact time in ns (Python integers: no overflow)."""
    return ts // units * 10 ** 9 + ts % units * 10 ** 9 // units + offset_s * 10 ** 9


class Iface:
    def __init__(self, linktype, name, tsresol=9, tsoffset=None, raw_options=b""):
        self.linktype, self.name, self.tsresol, self.tsoffset = linktype, name, tsresol, tsoffset
        self.raw_options = raw_options


class Block:
    """One block of a built trace: offset in the file, type, total length,
    its number from 1 (the section header), and for packets the interface
    and raw time stamp."""

    def __init__(self, offset, btype, length, number, iface=None, ts=None):
        self.offset, self.type, self.length, self.number = offset, btype, length, number
        self.iface, self.ts = iface, ts


class Trace:
    def __init__(self, endian="<"):
        self.e = endian
        self.data = bytearray()
        self.blocks = []
        self.ifaces = []

    # -- encoding --
    def u16(self, v):
        return struct.pack(self.e + "H", v & 0xFFFF)

    def u32(self, v):
        return struct.pack(self.e + "I", v & 0xFFFFFFFF)

    def option(self, code, value):
        pad = b"\0" * (-len(value) % 4)
        return self.u16(code) + self.u16(len(value)) + value + pad

    def end_options(self):
        return self.u16(0) + self.u16(0)

    def block(self, btype, body, **kw):
        body = bytes(body) + b"\0" * (-len(body) % 4)
        length = 12 + len(body)
        b = Block(len(self.data), btype, length, len(self.blocks) + 1, **kw)
        self.data += self.u32(btype) + self.u32(length) + body + self.u32(length)
        self.blocks.append(b)
        return b

    # -- blocks --
    def shb(self, major=1):
        body = self.u32(MAGIC) + self.u16(major) + self.u16(0) + struct.pack(self.e + "q", -1)
        body += self.option(4, b"pumphil hostile.py") + self.end_options()
        return self.block(SHB, body)

    def idb(self, iface):
        opts = self.option(2, iface.name.encode())
        if iface.tsresol is not None:
            opts += self.option(9, bytes([iface.tsresol]))
        if iface.tsoffset is not None:
            opts += self.option(14, struct.pack(self.e + "q", iface.tsoffset))
        opts += iface.raw_options + self.end_options()
        self.ifaces.append(iface)
        return self.block(IDB, self.u16(iface.linktype) + self.u16(0) + self.u32(0) + opts)

    def epb(self, iface, ts, data, direction=None):
        body = self.u32(iface) + self.u32(ts >> 32) + self.u32(ts) + self.u32(len(data))
        body += self.u32(len(data)) + data + b"\0" * (-len(data) % 4)
        if direction is not None:
            body += self.option(2, self.u32(direction)) + self.end_options()
        return self.block(EPB, body, iface=iface, ts=ts)

    # -- reading back what was built --
    def packets(self):
        return [b for b in self.blocks if b.type == EPB]

    def first_out_of_range(self):
        """The first packet whose time stamp pumphil must refuse, or None."""
        for b in self.packets():
            f = self.ifaces[b.iface]
            units = tsresol_units(9 if f.tsresol is None else f.tsresol)
            ns = to_ns(units, f.tsoffset or 0, b.ts)
            if not -LIMIT_NS < ns < LIMIT_NS:
                return b
        return None

    def put32(self, offset, value):
        struct.pack_into(self.e + "I", self.data, offset, value & 0xFFFFFFFF)


def harness_trace(rng, endian="<", ifaces=None, packets=None, t0=None):
    """A trace like a pumphil run's: pump, fixture and events interfaces; a
    run_start, one test with frames and a measurement, its end."""
    t = Trace(endian)
    t.shb()
    for f in ifaces or [Iface(147, "pump"), Iface(147, "fixture"), Iface(148, "events")]:
        t.idb(f)
    now = rng.randrange(0, 10 ** 12) if t0 is None else t0

    def ev(obj):
        nonlocal now
        now += rng.randrange(1, 10 ** 9)
        t.epb(2, now, json.dumps(obj).encode())

    ev({"ev": "run_start", "run": {"id": "hostile-%d" % rng.randrange(10 ** 6)}})
    ev({"ev": "test_start", "name": "hostile", "suite": "hostile", "file": "h.lua", "line": 1})
    for _ in range(rng.randrange(2, packets or 24)):
        now += rng.randrange(1, 10 ** 8)
        frame = bytes(rng.randrange(1, 256) for _ in range(rng.randrange(4, 40))) + b"\0"
        t.epb(rng.randrange(0, 2), now, frame, direction=rng.choice((1, 2)))
    ev({"ev": "measurement", "name": "m", "value": 1, "unit": "uL", "verdict": "pass"})
    ev({"ev": "test_end", "name": "hostile", "verdict": "pass"})
    return t
