-- Names, messages, units and logs with what breaks naive HTML and XML:
-- markup, ampersands, both quotes, newlines, control characters and bytes
-- that are not UTF-8.  The reports must escape them and stay valid
-- (tests/integration/report.cmake, check_escaping.py).
suite { name = "escaping & <suites>", req = { "REQ-DEL-001" }, hazard = { "HAZ-OVER" } }

test("<script>alert('name')</script> & \"quoted\"", function(b)
  print("<script>alert('log')</script> & done")
  measure("<b>bold</b> & \"value\"", 1, { unit = "<u>&</u>", min = 0, max = 2 })
  expect.eq(1, 1, "fine")
end)

test("new\nline and tab\tand bell\7 and bad bytes \xff\xfe\xc3(", function(b)
  print("bad bytes in a log line: \xff\xc0\x80 and a NUL-free control \1")
  expect.fail("message with <tags> & 'quotes' \"double\"\nsecond line \xff\xfe end")
end)

test("a measurement fails with <markup> in its unit", function(b)
  measure("ratio <&>", 5, { unit = "\"%\" & <pct>", min = 0, max = 1 })
end)
