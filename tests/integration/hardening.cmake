# Hardening of the test language against bad input: every misuse is an error
# naming the script line (or the input file), never a silent pass.
set(IT ${CMAKE_CURRENT_LIST_DIR})
set(HS ${IT}/scripts/hardening)
include(${CMAKE_SOURCE_DIR}/tests/cmake/ph_expect.cmake)

# NaN or infinite limits and values are errors naming the argument.
ph_expect(run_measure_nonfinite RC 4 ARGS run ${NR} ${HS}/measure_nonfinite.lua
  MATCH "measure_nonfinite.lua:7: measure 'x': nominal is NaN"
        "measure_nonfinite.lua:10: measure 'x': tol is NaN"
        "measure_nonfinite.lua:13: measure 'x': tol_pct is NaN"
        "measure_nonfinite.lua:16: measure 'x': min is NaN"
        "measure_nonfinite.lua:19: measure 'x': max is infinite"
        "measure_nonfinite.lua:22: measure 'x': value is infinite"
        "measure_nonfinite.lua:25: measure 'x': value is NaN"
        "PASS +measure nonfinite / finite limits still pass"
        "1 passed, 7 failed")

# test() and suite() options are checked when the script loads (exit 2,
# naming the line); test() or suite() inside a running test is a test error.
# One generated script per case (tests/integration/misuse_cases.py).
add_test(NAME run_test_options
  COMMAND python3 ${IT}/misuse_cases.py ${PUMPHIL_BIN} options)
set_tests_properties(run_test_options PROPERTIES LABELS integration TIMEOUT 600)

# Whatever a script raises (a table, a forged location, a __tostring that
# fails or never returns, nil, a number) is an error at the line that raised
# it, saying what was raised (misuse_cases.py, group errors).
add_test(NAME run_error_objects
  COMMAND python3 ${IT}/misuse_cases.py ${PUMPHIL_BIN} errors)
set_tests_properties(run_error_objects PROPERTIES LABELS integration TIMEOUT 600)

# Every function of the Lua API misused (wrong types, missing or unknown
# keys, NaN, out of range, a method called with a dot): an error naming the
# script's line, never a line of the harness's own Lua (misuse_cases.py,
# group api: one generated script per case).
add_test(NAME api_misuse
  COMMAND python3 ${IT}/misuse_cases.py ${PUMPHIL_BIN} api)
set_tests_properties(api_misuse PROPERTIES LABELS integration TIMEOUT 900)

# Bench profiles: every value checked (types, whole numbers, ranges, unknown
# keys, pairs that contradict each other), one line naming the file and the
# key (or line:col for JSON syntax), exit 2 before any test
# (input_cases.py, group profiles: one generated profile per case).
add_test(NAME run_profile_checks
  COMMAND python3 ${IT}/input_cases.py ${PUMPHIL_BIN} ${CMAKE_SOURCE_DIR} profiles)
set_tests_properties(run_profile_checks PROPERTIES LABELS integration TIMEOUT 600)

# The fault catalogue and the drug library are checked when the run starts,
# before any test: JSON syntax, duplicate keys and names, unknown codes,
# ranges; one line naming the file and the entry, exit 2 (input_cases.py,
# group catalogues: one fixtures folder per case, --fixtures).
add_test(NAME run_catalogue_checks
  COMMAND python3 ${IT}/input_cases.py ${PUMPHIL_BIN} ${CMAKE_SOURCE_DIR} catalogues)
set_tests_properties(run_catalogue_checks PROPERTIES LABELS integration TIMEOUT 600)

# fixture_data() and the fault catalogue at a script's top level read the
# folder --fixtures names, like the tests do, never ./fixtures.
add_test(NAME run_toplevel_fixtures
  COMMAND python3 ${IT}/input_cases.py ${PUMPHIL_BIN} ${CMAKE_SOURCE_DIR} toplevel)
set_tests_properties(run_toplevel_fixtures PROPERTIES LABELS integration TIMEOUT 300)

# A folder holding no script is bad input like any other (it used to hand
# qsort a null array: undefined behaviour, caught by UBSan).
ph_expect(run_folder_without_scripts RC 2 ARGS run ${NR} ${IT}/data
  MATCH "no \\*\\.lua test scripts under the given paths" NOMATCH "runtime error")

# Hostile inputs of this area, generated (seeded, bounded: 504 cases, about
# two minutes under ASan on two cores): bench profiles, the fault catalogue
# and drug library, test scripts.  Each must end with exit status 2, one
# line naming the file (and the line, where the input has lines and the
# parser knows it), no sanitizer report, nothing written outside the run's
# report folder.  Per-kind counts are printed.
add_test(NAME hostile_lua_inputs
  COMMAND python3 ${IT}/hostile_lua_inputs.py ${PUMPHIL_BIN} ${CMAKE_SOURCE_DIR} --seed 1)
set_tests_properties(hostile_lua_inputs PROPERTIES LABELS integration TIMEOUT 600)
