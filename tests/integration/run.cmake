# Integration tests of `pumphil run` on the virtual bench: exit codes,
# messages, the sandbox, the runner's selection and determinism.
set(IT ${CMAKE_CURRENT_LIST_DIR})
set(S ${IT}/scripts)
include(${CMAKE_SOURCE_DIR}/tests/cmake/ph_expect.cmake)

ph_expect(run_help RC 0 ARGS run --help MATCH "usage: pumphil run" "--shard K/N")
ph_expect(run_unknown_option RC 2 ARGS run --bogus x.lua MATCH "unknown option '--bogus'" "usage: pumphil run")
ph_expect(run_missing_value RC 2 ARGS run ${S}/pass.lua --seed MATCH "needs a value" "usage: pumphil run")
ph_expect(run_bad_shard RC 2 ARGS run --shard 4/3 ${S}/pass.lua MATCH "--shard: '4/3'")
ph_expect(run_no_such_path RC 2 ARGS run ${NR} ${S}/does-not-exist.lua MATCH "does-not-exist.lua: No such file")
ph_expect(run_bad_board RC 2 ARGS run ${NR} --board floppy ${S}/pass.lua MATCH "unknown board 'floppy'")
ph_expect(run_bad_profile RC 2 ARGS run ${NR} --profile ${IT}/data/bad_profile.json ${S}/pass.lua
          MATCH "bad_profile.json: unknown key 'pump.strok_nl'")
ph_expect(main_unknown_command RC 2 ARGS frobnicate MATCH "unknown command 'frobnicate'" "usage: pumphil")
ph_expect(main_help RC 0 ARGS --help MATCH "run +run Lua test suites")

ph_expect(run_syntax_error RC 2 ARGS run ${NR} ${S}/bad/syntax_error.lua
          MATCH "syntax_error.lua:4: .*expected")
ph_expect(run_failing_check RC 1 ARGS run ${NR} ${S}/failing_check.lua
          MATCH "FAIL +checks / a failing check" "failing_check.lua:6: pump mode: expected 2, got 1"
                "1 passed, 1 failed")
ph_expect(run_measure_resolution RC 1 ARGS run ${NR} ${S}/measure_resolution.lua
          MATCH "PASS +measure / within its resolution" "FAIL +measure / beyond its resolution"
                "'latency' = 1.6 s outside \\[-inf, 1\\] by more than its resolution 0.5"
                "1 passed, 1 failed")
# --time-scale is for the virtual board only, and a number in range.
ph_expect(run_time_scale_sim RC 2 ARGS run ${NR} --time-scale 10 ${S}/pass.lua
          MATCH "--time-scale: only the virtual board's clock can run fast")
ph_expect(run_time_scale_bad RC 2 ARGS run ${NR} --board virtual-usb --time-scale 0 ${S}/pass.lua
          MATCH "--time-scale: '0' is not 1..100000")
ph_expect(run_pass RC 0 ARGS run ${NR} ${S}/pass.lua MATCH "PASS +smoke / status answers" "1 passed, 0 failed")
ph_expect(run_list RC 0 ARGS run --list ${S}/runner MATCH "selection.lua:[0-9]+: runner / alpha +\\[fast\\]")
ph_expect(run_tag_filter RC 0 ARGS run ${NR} --tag slow ${S}/runner
          MATCH "PASS +runner / gamma" "1 passed, 0 failed" NOMATCH "alpha")
ph_expect(run_filter RC 0 ARGS run ${NR} --filter beta ${S}/runner MATCH "runner / beta" "1 passed, 0 failed")

# The sandbox: forbidden libraries, runaway loops and memory, and the next
# test still runs.
ph_expect(sandbox RC 4 ARGS run ${NR} --wall-timeout 3s --mem-cap 8 ${S}/sandbox.lua
  MATCH "sandbox.lua:4: 'os.execute' is not available in the test sandbox"
        "sandbox.lua:8: 'io.open' is not available in the test sandbox"
        "sandbox.lua:12: module 'ffi' is not available in the test sandbox"
        "sandbox.lua:16: test exceeded its wall-time limit"
        "sandbox.lua:20: test exceeded its wall-time limit"
        "Lua memory cap of 8388608 bytes reached"
        "PASS +sandbox / the next test runs normally"
        "1 passed, 6 failed")
# A finalizer runs where no hook can stop it: __gc is refused, in a test (a
# test error, the run goes on) and at file level (bad input), never a hang.
ph_expect(sandbox_gc_in_test RC 4 ARGS run ${NR} --wall-timeout 5s ${S}/gc/in_test.lua
  MATCH "ERROR +gc / a looping finalizer is refused.*\n.*in_test.lua:7: setmetatable: __gc"
        "PASS +gc / the next test runs normally" "1 passed, 1 failed")
ph_expect(sandbox_gc_at_file_level RC 2 ARGS run ${NR} --wall-timeout 5s ${S}/gc/at_file_level.lua
  MATCH "at_file_level.lua:3: setmetatable: __gc")
set_tests_properties(sandbox_gc_in_test sandbox_gc_at_file_level PROPERTIES TIMEOUT 60)
# A script's table that no record could hold (a key whose __tostring needs
# more than the memory cap) is refused where the script gives it, with its
# line: an error for that test, and the next test runs; in a test's options
# the file is bad input.  (Once it aborted the run in the conversion.)
ph_expect(run_result_mem_cap RC 4 ARGS run ${NR} --mem-cap 8 ${S}/result_mem.lua
  MATCH "ERROR +result memory / a result too big to record.*\n.*result_mem.lua:10: annotate 'data': a key must be a string or a number, not a table"
        "PASS +result memory / the next test runs normally"
        "1 passed, 1 failed")
ph_expect(run_list_mem_cap RC 2 ARGS run ${NR} --mem-cap 8 ${S}/bad/list_mem.lua
  MATCH "list_mem.lua:5: test 'a tag too big to list': tags\\[1\\] must be a string, got table")
# Teardown after a failure, and a failing teardown.
ph_expect(teardown RC 1 ARGS run ${NR} ${S}/teardown.lua
  MATCH "FAIL +teardown / failing body.*\n.*body failed on purpose"
        "PASS +teardown / teardown saw the failure"
        "ERROR +teardown / failing teardown.*\n.*teardown failed: .*teardown.lua:[0-9]+: broken teardown"
        "2 passed, 2 failed")

# Parametrised tests report each case.
ph_expect(run_params RC 0 ARGS run ${NR} ${S}/runner/params.lua
  MATCH "PASS +runner params / rate holds \\[0.1 mL/day\\]" "rate holds \\[1 mL/day\\]"
        "rate holds \\[5 mL/day\\]" "3 passed, 0 failed")
# Sharding and determinism.
add_test(NAME run_shards COMMAND ${IT}/shard_check.sh ${PUMPHIL_BIN} ${S}/runner)
add_test(NAME run_same_seed_same_results COMMAND ${IT}/determinism_check.sh ${PUMPHIL_BIN} ${S}/runner)
set_tests_properties(run_shards run_same_seed_same_results PROPERTIES LABELS integration TIMEOUT 300
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
# --repeat runs each selected test N times with distinct seeds.
ph_expect(run_repeat RC 0 ARGS run ${NR} --repeat 3 --filter alpha ${S}/runner
  MATCH "3 passed, 0 failed")

# Every documented Lua API function, exercised against the reference firmware.
ph_expect(run_api RC 0 ARGS run ${NR} ${S}/api.lua MATCH "11 passed, 0 failed")

# A script at a path longer than Lua's 60-character chunk names: every
# message names the file whole, never "...tail.lua:3:".
set(LONGDIR ${CMAKE_BINARY_DIR}/it-long/a_folder_name_that_is_long_enough/to_pass_the_sixty_characters_of_lua_idsize)
configure_file(${S}/long_path.lua ${LONGDIR}/long_path.lua COPYONLY)
configure_file(${S}/long_syntax.lua ${LONGDIR}/long_syntax.lua COPYONLY)
ph_expect(run_long_path RC 1 ARGS run ${NR} ${LONGDIR}/long_path.lua
  MATCH "${LONGDIR}/long_path.lua:3: deliberate" "${LONGDIR}/long_path.lua:7: attempt to index"
        "${LONGDIR}/long_path.lua:10: b:run_for" NOMATCH "[.][.][.]")
ph_expect(run_long_syntax RC 2 ARGS run ${NR} ${LONGDIR}/long_syntax.lua
  MATCH "${LONGDIR}/long_syntax.lua:3: " NOMATCH "[.][.][.]")

# Every refusal reason and field the firmware gives, provoked: each message
# names the field; device outcomes are values, plain forms raise.
ph_expect(run_refusals RC 0 ARGS run ${NR} ${S}/refusals.lua MATCH "6 passed, 0 failed")

# skip() and annotate() (fta validate's skipped scenarios and record data).
ph_expect(run_skip_annotate RC 0 ARGS run ${NR} ${S}/annotate
  MATCH "PASS +annotate / annotate adds" "SKIP +annotate / skip ends the test" "not on this bench"
        "1 passed, 0 failed, 1 skipped")

# Runner flags: --fail-fast stops handing out tests, --rerun-failed reruns a
# record's failures, -v streams a test's log and measurements as they
# happen, -q prints only what did not pass.
set(RF ${S}/runflags/three.lua)
ph_expect(run_fail_fast RC 1 ARGS run ${NR} --fail-fast ${RF}
  MATCH "PASS +flags / first passes" "FAIL +flags / second fails" "1 passed, 1 failed"
  NOMATCH "third passes")
ph_expect(run_verbose_live RC 1 ARGS run ${NR} -v ${RF}
  MATCH "RUN +flags / first passes\n +log .*first says hello\n +pass answer = 42 1 .*\nPASS +flags / first passes"
        "RUN +flags / second fails\n +log .*second is about to fail\n +FAIL .*three.lua:10: pump mode: expected 7, got 0\nFAIL +flags / second fails")
ph_expect(run_quiet RC 1 ARGS run ${NR} -q ${RF}
  MATCH "FAIL +flags / second fails" "2 passed, 1 failed" NOMATCH "PASS +flags")
add_test(NAME run_rerun_failed COMMAND ${IT}/rerun_check.sh ${PUMPHIL_BIN} ${RF}
         ${CMAKE_CURRENT_BINARY_DIR}/rerun_check)
set_tests_properties(run_rerun_failed PROPERTIES LABELS integration TIMEOUT 120)

# --retry: a test that passes on a retry is flaky, reported with its attempts;
# known issues (xfail = {id, reason}) are xfail or xpass.
add_test(NAME run_retry_flaky COMMAND ${IT}/verdicts_check.sh ${PUMPHIL_BIN} ${S}/runflags
         ${CMAKE_SOURCE_DIR}/tests/data/junit/junit-10.xsd ${CMAKE_CURRENT_BINARY_DIR}/verdicts)
set_tests_properties(run_retry_flaky PROPERTIES LABELS integration TIMEOUT 120)
