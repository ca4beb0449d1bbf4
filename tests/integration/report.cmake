# Reports (issue 8): JUnit against the published schema, the HTML page in
# headless Chromium, escaping, merge of shards, a run killed half-way, and
# the report and merge commands' errors.  Scripts and data live in
# tests/integration/report/; report_it.py says what each check proves.
set(REPORT_IT ${CMAKE_CURRENT_LIST_DIR}/report)
set(REPORT_WORK ${CMAKE_BINARY_DIR}/it-report)
file(MAKE_DIRECTORY ${REPORT_WORK})
find_program(PYTHON3 python3 REQUIRED)

foreach(check demo schema escaping merge killed regenerate confine)
  add_test(NAME report_${check}
    COMMAND ${PYTHON3} ${REPORT_IT}/report_it.py $<TARGET_FILE:pumphil> ${CMAKE_SOURCE_DIR}
            ${REPORT_WORK} ${check})
  set_tests_properties(report_${check} PROPERTIES LABELS integration TIMEOUT 600
    SKIP_RETURN_CODE 77)
endforeach()

# The trend (issue 19): sparklines from a temporary SQLite history, the
# moved badge on a planted shift and not on a steady reading.
add_test(NAME report_trend
  COMMAND ${PYTHON3} ${REPORT_IT}/trend_check.py $<TARGET_FILE:pumphil> ${CMAKE_SOURCE_DIR}
          ${CMAKE_BINARY_DIR}/it-report-trend)
set_tests_properties(report_trend PROPERTIES LABELS integration TIMEOUT 600)

# Acceptance 2: the page in Chromium with the network off; the screenshot
# is the test's output (attached for CDash, kept in the build tree).
set(REPORT_SHOT ${CMAKE_BINARY_DIR}/report_browser_screenshot.png)
add_test(NAME report_browser
  COMMAND ${PYTHON3} ${REPORT_IT}/report_it.py $<TARGET_FILE:pumphil> ${CMAKE_SOURCE_DIR}
          ${REPORT_WORK} browser)
set_tests_properties(report_browser PROPERTIES LABELS "integration;browser" TIMEOUT 600
  ENVIRONMENT "REPORT_SCREENSHOT=${REPORT_SHOT}" ATTACHED_FILES_ON_FAIL ${REPORT_SHOT}
  ATTACHED_FILES ${REPORT_SHOT})

# CLI errors: one line naming the file, exit 2.
function(ph_report_cli name)
  cmake_parse_arguments(E "" "RC" "ARGS;MATCH" ${ARGN})
  string(REPLACE ";" "|||" match "${E_MATCH}")
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pumphil>;${E_ARGS}" -DRC=${E_RC}
            "-DMATCH=${match}" -DWORKDIR=${CMAKE_SOURCE_DIR}
            -P ${CMAKE_SOURCE_DIR}/tests/cmake/expect_run.cmake)
  set_tests_properties(${name} PROPERTIES LABELS integration TIMEOUT 120)
endfunction()

set(RD tests/integration/report/data)
ph_report_cli(report_cli_missing RC 2 ARGS report nonexistent.json
  MATCH "^pumphil report: nonexistent.json: No such file or directory\n$")
ph_report_cli(report_cli_corrupt RC 2 ARGS report ${RD}/corrupt.json
  MATCH "pumphil report: ${RD}/corrupt.json:6:0: ")
ph_report_cli(report_cli_bad_verdict RC 2 ARGS report ${RD}/bad_verdict.json
  MATCH "${RD}/bad_verdict.json: tests\\[1\\]: verdict 'maybe' is not pass, fail, error, skip, xfail, xpass or flaky")
ph_report_cli(report_cli_not_a_run RC 2 ARGS report ${RD}
  MATCH "${RD}: no record.json and no traces/\\*.pcapng")
ph_report_cli(report_cli_bad_trace RC 2 ARGS report ${RD}/garbage.pcapng
  MATCH "${RD}/garbage.pcapng: offset [0-9]+: .*not a pcapng file")
ph_report_cli(report_cli_bad_catalogue RC 2
  ARGS report --fixtures ${RD}/badcat -o ${REPORT_WORK}/badcat ${RD}/minimal.json
  MATCH "${RD}/badcat/requirements.json: requirement 1 \\(REQ-X-001\\): unknown hazard 'HAZ-NOPE'")
ph_report_cli(report_cli_usage RC 2 ARGS report MATCH "no input given" "usage: pumphil report")
ph_report_cli(report_cli_unknown_option RC 2 ARGS report --bogus x MATCH "unknown option '--bogus'")
ph_report_cli(report_help RC 0 ARGS report --help MATCH "usage: pumphil report" "traces/\\*.pcapng")
ph_report_cli(merge_cli_missing RC 2 ARGS merge -o ${REPORT_WORK}/m nothere
  MATCH "^pumphil merge: nothere: No such file or directory\n$")
# The same run (or shard) twice, or shards of different splits, are refused
# (exit 2, naming both runs) rather than merged into doubled or wrong counts.
ph_report_cli(merge_cli_same_run_twice RC 2
  ARGS merge -o ${REPORT_WORK}/twice ${RD}/minimal.json ${RD}/minimal.json
  MATCH "^pumphil merge: run 'hand-written' \\(${RD}\\) is given twice; merge each run once\n$")
ph_report_cli(merge_cli_shard_totals RC 2
  ARGS merge -o ${REPORT_WORK}/totals ${RD}/shard1of3.json ${RD}/shard2of4.json
  MATCH "^pumphil merge: run 'shard-b' \\(${RD}\\) is shard 2/4 but run 'shard-a' \\(${RD}\\) is shard 1/3: shards of different splits cannot be merged\n$")
ph_report_cli(merge_cli_same_shard_twice RC 2
  ARGS merge -o ${REPORT_WORK}/shard-twice ${RD}/shard1of3.json ${RD}/shard1of3-rerun.json
  MATCH "^pumphil merge: run 'shard-a-rerun' \\(${RD}\\) is shard 1/3 like run 'shard-a' \\(${RD}\\): each shard once\n$")
ph_report_cli(merge_cli_bad_shard RC 2
  ARGS merge -o ${REPORT_WORK}/bad-shard ${RD}/shard1of3.json ${RD}/shard-bad.json
  MATCH "^pumphil merge: run 'shard-bad' \\(${RD}\\): shard '4/3' is not K/N with 1 <= K <= N\n$")
# A hand-written minimal record (docs/record.md) is enough for every report.
ph_report_cli(report_minimal_record RC 1 ARGS report -o ${REPORT_WORK}/minimal ${RD}/minimal.json
  MATCH "report: .*/minimal/index.html" "1 passed, 1 failed")
