# The fault catalogue, its generated documentation, misuse of the fault API,
# and the fault suite itself on the virtual bench.
include(${CMAKE_SOURCE_DIR}/tests/cmake/ph_expect.cmake)
set(FS ${CMAKE_CURRENT_LIST_DIR}/scripts/faults)

# docs/faults.md's tables are generated from fixtures/faults.json (which the
# same tool validates): fail when they are stale.
add_test(NAME faults_doc_in_sync
  COMMAND python3 ${CMAKE_SOURCE_DIR}/tools/faults_doc.py ${CMAKE_SOURCE_DIR} --check)
set_tests_properties(faults_doc_in_sync PROPERTIES LABELS unit)

# An unknown fault, a parameter out of its catalogue range, and every other
# misuse is an error naming the script line, never a clamp; the next test runs.
ph_expect(faults_misuse RC 4 ARGS run ${NR} ${FS}/misuse.lua
  MATCH "misuse.lua:5: unknown fault 'occlusion_totl' \\(the catalogue"
        "misuse.lua:8: fault 'occlusion_partial': closure = 1200 permille is outside its range 500..990 permille"
        "misuse.lua:11: fault 'leak' has no parameter 'shar' \\(it has: share\\)"
        "misuse.lua:14: fault 'watchdog_reset' is instantaneous: it takes no duration"
        "misuse.lua:18: fault 'occlusion_partial' at 1.000 h would drive fx PINCH_PM while fault 'occlusion_total'"
        "misuse.lua:22: fault 'leak': at = 10.000 min is in the past"
        "misuse.lua:25: schedule entry 2: fault 'clock_drift': ppm = 20000 ppm is outside its range -10000..10000 ppm"
        "misuse.lua:31: campaign: 4 faults with their durations and gaps need 4.000 h, the window is 2.000 h"
        "misuse.lua:35: fault 'occlusion_total' has no limit 'lattency'"
        "PASS +fault misuse / valid injections still work after the errors"
        "1 passed, 9 failed")

# The whole fault suite passes on the virtual bench, in parallel.
ph_expect(faults_suite RC 0 ARGS run ${NR} -j 2 ${CMAKE_SOURCE_DIR}/scripts/faults
  MATCH " 0 failed" NOMATCH "FAIL" "ERROR")

# Every catalogue entry is injected by a passing test of the suite (its fault
# span in the record), and the suite passes.
add_test(NAME faults_every_entry_tested
  COMMAND sh -c "\"$0\" run --report \"$1\" -j 2 \"$2/scripts/faults\" >/dev/null; python3 \"$2/tests/integration/faults_covered.py\" \"$1/record.json\" \"$2/fixtures/faults.json\""
          ${PUMPHIL_BIN} ${CMAKE_CURRENT_BINARY_DIR}/faults_covered ${CMAKE_SOURCE_DIR})
set_tests_properties(faults_every_entry_tested PROPERTIES LABELS integration TIMEOUT 300
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
