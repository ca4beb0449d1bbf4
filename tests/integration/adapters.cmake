# Pump adapters (docs/adapters.md): label `adapters`.  Misbehaving Lua
# adapters are test errors naming the adapter's file:line, the watchdog
# stops a hang, and the next test runs (issue 15, acceptance 2).
include(${CMAKE_SOURCE_DIR}/tests/cmake/ph_expect.cmake)
set(AD ${CMAKE_CURRENT_LIST_DIR}/adapters)
set(ADB --board sim:ascii)
ph_expect(adapter_lua_error RC 4 LABELS adapters
  ARGS run ${NR} ${ADB} --adapter ${AD}/bad_error.lua ${AD}/two_tests.lua
  MATCH "ERROR +adapter / the pump through the adapter" "bad_error.lua:5: attempt to index"
        "PASS +adapter / the next test runs")
ph_expect(adapter_wrong_shape RC 4 LABELS adapters
  ARGS run ${NR} ${ADB} --adapter ${AD}/bad_shape.lua ${AD}/two_tests.lua
  MATCH "adapter bad_shape: call\\('interrogate'\\) returned a number, expected a reply table \\(.*bad_shape.lua:3\\)"
        "PASS +adapter / the next test runs")
ph_expect(adapter_wrong_file RC 4 LABELS adapters
  ARGS run ${NR} ${ADB} --adapter ${AD}/bad_return.lua ${AD}/two_tests.lua
  MATCH "bad_return.lua: an adapter returns a table with call and next_event functions, got number"
        "PASS +adapter / the next test runs")
ph_expect(adapter_hang RC 4 LABELS adapters
  ARGS run ${NR} ${ADB} --wall-timeout 2s --adapter ${AD}/bad_hang.lua ${AD}/two_tests.lua
  MATCH "ERROR +adapter / the pump through the adapter" "bad_hang.lua:[5-7]: .*wall-time limit"
        "PASS +adapter / the next test runs")
ph_expect(adapter_wait_hang RC 4 LABELS adapters
  ARGS run ${NR} ${ADB} --wall-timeout 2s --adapter ${AD}/bad_wait.lua ${AD}/two_tests.lua
  MATCH "ERROR +adapter / the pump through the adapter" "bad_wait.lua:7: .*wall-time limit"
        "PASS +adapter / the next test runs")
ph_expect(adapter_missing_file RC 2 LABELS adapters
  ARGS run ${NR} ${ADB} --adapter ${AD}/no-such-adapter.lua ${AD}/two_tests.lua
  MATCH "--adapter: cannot read")
# The framing and CRC helpers against their check values (a wrong one is an
# error at its line in helpers.lua).
ph_expect(adapter_helpers RC 0 LABELS adapters
  ARGS run ${NR} ${ADB} --adapter ${AD}/helpers.lua ${AD}/two_tests.lua
  MATCH "PASS +adapter / the pump through the adapter" "2 passed, 0 failed")

# scripts/regression and scripts/faults (short tests; make bench runs them all)
# through the Lua ASCII adapter over a
# pty, in lock-step with the virtual clock: sim's verdicts, or skipped for a
# capability the adapter lacks (issue 15, acceptance 1).
add_test(NAME adapter_ascii_suites
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/adapter_suites.sh ${PUMPHIL_BIN}
          ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/adapter_suites)
set_tests_properties(adapter_ascii_suites PROPERTIES LABELS adapters TIMEOUT 300)

# Every method of the pump interface, one script, through both adapters
# (issue 15, acceptance 3).
ph_expect(adapter_methods_builtin RC 0 LABELS adapters
  ARGS run ${NR} ${AD}/methods.lua MATCH "1 passed, 0 failed")
ph_expect(adapter_methods_ascii RC 0 LABELS adapters
  ARGS run ${NR} ${ADB} --adapter ${CMAKE_SOURCE_DIR}/fixtures/adapters/ascii.lua ${AD}/methods.lua
  MATCH "1 passed, 0 failed")
