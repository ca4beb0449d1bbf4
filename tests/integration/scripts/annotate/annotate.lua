-- skip() and annotate(): a skipped test and extra record data.
suite "annotate"

test("annotate adds a new key and refuses an existing one", function(b)
  annotate("extra", { answer = 42 })
  expect.falsy(pcall(annotate, "extra", {}), "annotating the same key twice")
  expect.falsy(pcall(annotate, "verdict", "pass"), "annotating a result field")
end)

test("skip ends the test with verdict skip", function(b)
  skip("not on this bench")
  fail("skip() returned")
end)
