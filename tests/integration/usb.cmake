# USB over the virtual device (umockdev): label `usb`.
#
# test_usb_* executables are globbed in as unit tests by tests/CMakeLists.txt;
# the ones that run the virtual USB board are relabelled here.  They
# re-execute themselves under libumockdev-preload.so.0 (with libasan first in
# sanitizer builds), so no LD_PRELOAD is needed in ENVIRONMENT.  Every test
# has a TIMEOUT: a wedged umockdev FIFO fails the test instead of hanging CI.
set(PH_USB_DEVICE_TESTS test_usb_vusb test_usb_virtual test_usb_drain)
foreach(t ${PH_USB_DEVICE_TESTS})
  if(TEST ${t})
    set_tests_properties(${t} PROPERTIES LABELS usb TIMEOUT 120)
  endif()
endforeach()

# `pumphil board --usb` in one process, clients in others (the real
# two-shell set-up of docs/usb.md), with unplug/replug by signal.
add_test(NAME usb_board_two_process
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb_board.sh ${PUMPHIL_BIN}
          ${CMAKE_CURRENT_BINARY_DIR}/usb_board)
set_tests_properties(usb_board_two_process PROPERTIES LABELS usb TIMEOUT 120)

add_test(NAME usb_board_help COMMAND ${PUMPHIL_BIN} board --help)
set_tests_properties(usb_board_help PROPERTIES LABELS usb TIMEOUT 30
  PASS_REGULAR_EXPRESSION "pumphil board --usb")
# Bad usage is exit status 2 exactly (not a crash, not "no board").
add_test(NAME usb_board_bad_usage
  COMMAND sh -c "\"$0\" board --usb --ping; test $? -eq 2" ${PUMPHIL_BIN})
set_tests_properties(usb_board_bad_usage PROPERTIES LABELS usb TIMEOUT 30)

# (c) The same Lua script passes on sim and on virtual-usb.
add_test(NAME usb_run_same_script
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb_run.sh ${PUMPHIL_BIN}
          ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb/smoke.lua)
set_tests_properties(usb_run_same_script PROPERTIES LABELS usb TIMEOUT 180)

# The runner over a real libusb path: a board unplugged mid-test, and the
# suites' short tests on virtual-usb.
add_test(NAME usb_run_unplug_replug
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb_unplug.sh ${PUMPHIL_BIN}
          ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb/unplug.lua ${CMAKE_CURRENT_BINARY_DIR}/usb_unplug)
set_tests_properties(usb_run_unplug_replug PROPERTIES LABELS usb TIMEOUT 180)
add_test(NAME usb_suites_quick
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb_suite.sh ${PUMPHIL_BIN}
          ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/usb_suite)
set_tests_properties(usb_suites_quick PROPERTIES LABELS usb TIMEOUT 600)

# The whole fault suite, long tests included, on virtual-usb: 218 bench-hours
# on a board whose clock runs 1000 times real time, in four shards (a few
# minutes each).  Times measured by the host through the link get the link's
# round trip as their resolution (faults.measure).
foreach(k 1 2 3 4)
  add_test(NAME usb_faults_scaled_${k}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb_faults.sh ${PUMPHIL_BIN}
            ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/usb_faults_${k} ${k} 4 1000)
  set_tests_properties(usb_faults_scaled_${k} PROPERTIES LABELS usb TIMEOUT 1200)
endforeach()

# The board process killed mid-test (issue 21, item 15): a test error and a
# record, never a harness that dies with its board.
add_test(NAME usb_board_killed_mid_test
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb_board_killed.sh ${PUMPHIL_BIN}
          ${CMAKE_CURRENT_SOURCE_DIR}/integration/scripts/usbkill/long.lua
          ${CMAKE_CURRENT_BINARY_DIR}/usb_board_killed)
set_tests_properties(usb_board_killed_mid_test PROPERTIES LABELS usb TIMEOUT 120)

# Issue 13, acceptance 4: the monitors' stream crosses USB.
add_test(NAME usb_monitors_cross_usb
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb_monitors.sh ${PUMPHIL_BIN}
          ${CMAKE_CURRENT_SOURCE_DIR}/integration/usb/monitors.lua
          ${CMAKE_CURRENT_BINARY_DIR}/usb_monitors)
set_tests_properties(usb_monitors_cross_usb PROPERTIES LABELS usb TIMEOUT 120)
