# The serial transport on pseudo-terminals: label `serial`.  test_serial_port
# (unit) covers the port, the framing and a hang-up in process.

# The same Lua script passes on sim and through a pty (virtual-serial).
add_test(NAME serial_run_virtual
  COMMAND ${PUMPHIL_BIN} run --board virtual-serial --no-report
          ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb/smoke.lua)
set_tests_properties(serial_run_virtual PROPERTIES LABELS serial TIMEOUT 60
  PASS_REGULAR_EXPRESSION "2 passed, 0 failed")

# A bad serial:PORT@BAUD is bad usage (2), a missing port an error per test.
add_test(NAME serial_bad_baud
  COMMAND sh -c "\"$0\" run --board serial:/dev/null@12 --no-report \"$1\"; test $? -eq 2"
          ${PUMPHIL_BIN} ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb/smoke.lua)
set_tests_properties(serial_bad_baud PROPERTIES LABELS serial TIMEOUT 30)

# `pumphil board --pty` in one process, the run in another; the board is
# killed mid-test: the port vanishes, a test error, not a hang (issue 15, 5).
add_test(NAME serial_board_killed_mid_test
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/serial_board_killed.sh ${PUMPHIL_BIN}
          ${CMAKE_CURRENT_SOURCE_DIR}/integration/scripts/usbkill/long.lua
          ${CMAKE_CURRENT_BINARY_DIR}/serial_board_killed)
set_tests_properties(serial_board_killed_mid_test PROPERTIES LABELS serial TIMEOUT 120)
set_tests_properties(test_serial_port PROPERTIES LABELS serial TIMEOUT 60)
