-- helpers.lua - an adapter that checks the framing and CRC helpers every
-- adapter gets against known values when it loads, and then answers
-- interrogate itself (no line): a wrong helper is an error at its line.
local function check(got, want, what)
  if got ~= want then error(string.format("%s: got %q, want %q", what, tostring(got), tostring(want)), 2) end
end
local s9 = "123456789"
check(crc.crc32(s9), 0xcbf43926, "crc32 check value")
check(crc.crc16(s9), 0x29b1, "crc16 ccitt-false check value")
check(crc.crc16(s9, "xmodem"), 0x31c3, "crc16 xmodem check value")
check(crc.crc16(s9, "kermit"), 0x2189, "crc16 kermit check value")
check(crc.crc16(s9, "x25"), 0x906e, "crc16 x25 check value")
check(framing.cobs_encode("\0"), "\1\1", "cobs of one zero")
check(framing.cobs_encode("\17\0\34"), "\2\17\2\34", "cobs with a zero inside")
check(framing.cobs_decode("\2\17\2\34"), "\17\0\34", "cobs decode")
check(framing.cobs_decode("\5\1"), nil, "cobs decode of a short block")
check(framing.slip_encode("a\192b\219"), "a\219\220b\219\221\192", "slip escapes")
check(framing.slip_decode("a\219\220b\219\221"), "a\192b\219", "slip decode")
check(framing.slip_decode("a\219x"), nil, "slip decode of a bad escape")
local pieces, rest = framing.split("OK\r\nERR 12\n!AL", "\n")
check(#pieces, 2, "lines split")
check(pieces[1], "OK", "CR dropped")
check(pieces[2], "ERR 12", "second line")
check(rest, "!AL", "the partial line kept")
check(framing.lenprefix_encode("abc", 2, "be"), "\0\3abc", "length prefix, big-endian")
check(framing.lenprefix_encode("abc", 4, "le"), "\3\0\0\0abc", "length prefix, little-endian")
local p, r = framing.lenprefix_decode("\0\3abcde")
check(p, "abc", "length-prefixed payload")
check(r, "de", "length-prefixed rest")
check((framing.lenprefix_decode("\0\9abc")), nil, "an incomplete length-prefixed frame")

local A = { name = "helpers" }
function A.call(name, fields)
  if name ~= "interrogate" then return nil, "helpers adapter: no " .. name, "io" end
  return { type = "status", mode = 0, running = 0, alarms = 0 }
end
function A.next_event(deadline) return nil end
return A
