# Trace recorder, reader, dissector and viewer (issue 7).
# Helper programs live next to this file; each test says what it proves.
set(TRACE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(TRACE_OUT ${CMAKE_CURRENT_BINARY_DIR}/trace)
set(TRACE_LSAN "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/lsan.supp:print_suppressions=0")
file(MAKE_DIRECTORY ${TRACE_OUT})

# ph_trace_expect(NAME RC <rc> ARGS <pumphil args...> [MATCH <regex>...] [NOMATCH <regex>...])
# Runs pumphil on the trace files of the trace_files fixture.
function(ph_trace_expect name)
  cmake_parse_arguments(E "" "RC" "ARGS;MATCH;NOMATCH;ENV" ${ARGN})
  string(REPLACE ";" "|||" match "${E_MATCH}")
  string(REPLACE ";" "|||" nomatch "${E_NOMATCH}")
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} -E env ${E_ENV}
            ${CMAKE_COMMAND} "-DCMD=${PUMPHIL_BIN};${E_ARGS}" -DRC=${E_RC}
            "-DMATCH=${match}" "-DNOMATCH=${nomatch}" -DWORKDIR=${TRACE_OUT}
            -P ${CMAKE_SOURCE_DIR}/tests/cmake/expect_run.cmake)
  set_tests_properties(${name} PROPERTIES LABELS integration TIMEOUT 300
    FIXTURES_REQUIRED trace_files ENVIRONMENT "${TRACE_LSAN}")
endfunction()

# Acceptance 1: a trace killed with kill -9 keeps all but the last 100 ms.
add_executable(trace_killtest ${TRACE_DIR}/trace_killtest.c)
target_link_libraries(trace_killtest PRIVATE pumphil_core)
add_test(NAME trace_kill9 COMMAND trace_killtest ${TRACE_OUT})
set_tests_properties(trace_kill9 PROPERTIES LABELS integration TIMEOUT 300)

# The files the other tests open: a synthetic day with every message type,
# and a truncated, a corrupt, an empty and a non-trace file.
add_executable(trace_synth ${TRACE_DIR}/trace_synth_main.c)
target_link_libraries(trace_synth PRIVATE pumphil_core)
add_test(NAME trace_files COMMAND trace_synth ${TRACE_OUT})
set_tests_properties(trace_files PROPERTIES LABELS integration FIXTURES_SETUP trace_files)

# Acceptance 5: bad input is a clear one-line error and exit 2, never a crash;
# a torn last block is a warning.
ph_trace_expect(trace_view_truncated RC 0
  ARGS view truncated.pcapng --png truncated.png --size 640x480
  MATCH "warning: truncated.pcapng: offset [0-9]+: torn last block")
ph_trace_expect(trace_view_corrupt RC 2 ARGS view corrupt.pcapng --png corrupt.png
  MATCH "corrupt.pcapng: offset [0-9]+: block length 7 is not a multiple of 4")
ph_trace_expect(trace_view_not_trace RC 2 ARGS view notatrace.txt --png x.png
  MATCH "notatrace.txt: offset 0: not a pcapng file")
ph_trace_expect(trace_view_empty RC 2 ARGS view empty.pcapng --png x.png
  MATCH "empty.pcapng: offset 0: empty file")
ph_trace_expect(trace_view_missing RC 2 ARGS view missing.pcapng --png x.png
  MATCH "missing.pcapng: No such file")
ph_trace_expect(trace_csv_corrupt RC 2 ARGS view corrupt.pcapng --csv balance_ug
  MATCH "corrupt.pcapng: offset [0-9]+: block length 7")
# A time stamp past 64-bit ns (flipped top bit): refused, never wrapped.
ph_trace_expect(trace_view_time_stamp RC 2 ARGS view badtime.pcapng --png badtime.png
  MATCH "^pumphil view: badtime.pcapng: block 55 at byte [0-9]+: time stamp out of range\n$")
ph_trace_expect(trace_csv_time_stamp RC 2 ARGS view badtime.pcapng --csv balance_ug
  MATCH "^pumphil view: badtime.pcapng: block 55 at byte [0-9]+: time stamp out of range\n$")
ph_trace_expect(trace_report_time_stamp RC 2
  ARGS report -o report-badtime --no-plots badtime.pcapng
  MATCH "^pumphil report: badtime.pcapng: block 55 at byte [0-9]+: time stamp out of range\n$")
# The ends of the time stamp range draw without overflow; --from past them is refused.
ph_trace_expect(trace_view_time_edges RC 0 ARGS view edges.pcapng --png edges.png
  NOMATCH "runtime error" "error:")
ph_trace_expect(trace_view_from_past_limit RC 2
  ARGS view edges.pcapng --png edges.png --from 9000000000000000000
  MATCH "bad time '9000000000000000000'" NOMATCH "runtime error")
# A FIFO is not a trace: refused at once, never waited on.
ph_trace_expect(trace_csv_fifo RC 2 ARGS view fifo.pcapng --csv balance_ug
  MATCH "^pumphil view: fifo.pcapng: not a regular file\n$")
set_tests_properties(trace_csv_fifo PROPERTIES TIMEOUT 30)
ph_trace_expect(trace_view_bad_size RC 2 ARGS view synth.pcapng --png x.png --size 10x10
  MATCH "size 10x10 out of range")
ph_trace_expect(trace_view_bad_time RC 2 ARGS view synth.pcapng --png x.png --from soon
  MATCH "bad time 'soon'")
ph_trace_expect(trace_view_bad_range RC 2 ARGS view synth.pcapng --png x.png --from 2h --to 1h
  MATCH "--to must be later than --from")
ph_trace_expect(trace_view_usage RC 2 ARGS view MATCH "usage: pumphil view TRACE")
ph_trace_expect(trace_view_help RC 0 ARGS view --help MATCH "--png FILE" "--csv LIST")
ph_trace_expect(trace_view_no_display RC 1 ARGS view synth.pcapng
  ENV --unset=DISPLAY --unset=WAYLAND_DISPLAY --unset=SDL_VIDEODRIVER
  MATCH "cannot open a window: .*use --png")

# CSV export of any signal, with a header and the ns time column.
ph_trace_expect(trace_csv RC 0 ARGS view synth.pcapng --csv rate_nl_h,alarm_level
  MATCH "^time_ns,rate_nl_h,alarm_level\n2505000000,20000,\n" "\n33300000000000,,3\n")
ph_trace_expect(trace_csv_file RC 0 ARGS view synth.pcapng --csv pressure_pa -o pressure.csv)
ph_trace_expect(trace_csv_unknown RC 2 ARGS view synth.pcapng --csv balance_ug,nope
  MATCH "unknown signal 'nope'")
ph_trace_expect(trace_list_signals RC 0 ARGS view --list-signals
  MATCH "flow_nl_h +nL/h" "reservoir_true_nl +nL" "alarm_level")

# The CLI draws the same as the golden image of the unit test.
add_test(NAME trace_view_png
  COMMAND sh ${TRACE_DIR}/trace_png_check.sh ${PUMPHIL_BIN} ${TRACE_OUT}/synth.pcapng
          ${CMAKE_SOURCE_DIR}/tests/data/trace/view_day.png ${TRACE_OUT})
set_tests_properties(trace_view_png PROPERTIES LABELS integration TIMEOUT 300
  FIXTURES_REQUIRED trace_files ENVIRONMENT "${TRACE_LSAN}")

# The dissector's message tables are generated from proto/*.def: stale fails.
add_executable(gen_dissector ${CMAKE_SOURCE_DIR}/tools/wireshark/gen_dissector.c)
target_link_libraries(gen_dissector PRIVATE pumphil_proto)
add_test(NAME trace_dissector_in_sync
  COMMAND gen_dissector --check ${CMAKE_SOURCE_DIR}/tools/wireshark/pumphil.lua)
set_tests_properties(trace_dissector_in_sync PROPERTIES LABELS unit)

# Acceptance 2: tshark with the shipped dissector decodes every message type.
find_program(TSHARK tshark)
if(TSHARK)
  add_executable(trace_tshark_check ${TRACE_DIR}/trace_tshark_check.c)
  target_link_libraries(trace_tshark_check PRIVATE pumphil_core)
  add_test(NAME trace_tshark
    COMMAND trace_tshark_check ${TSHARK} ${CMAKE_SOURCE_DIR}/tools/wireshark/pumphil.lua
            ${TRACE_OUT}/synth.pcapng ${TRACE_OUT})
  set_tests_properties(trace_tshark PROPERTIES LABELS integration TIMEOUT 300
    FIXTURES_REQUIRED trace_files)
endif()

# Acceptance 3 (window): the real window on Xvfb, zoomed, panned and given
# two cursors with synthetic X input, screenshot against a golden image.
find_program(XVFB Xvfb)
find_program(XDOTOOL xdotool)
find_program(IM_IMPORT import)
if(XVFB AND XDOTOOL AND IM_IMPORT)
  add_test(NAME trace_view_xvfb
    COMMAND sh ${TRACE_DIR}/trace_xvfb.sh ${PUMPHIL_BIN} ${TRACE_OUT}/synth.pcapng
            ${CMAKE_SOURCE_DIR}/tests/data/trace/view_window.png ${TRACE_OUT})
  set_tests_properties(trace_view_xvfb PROPERTIES LABELS "integration;gui" TIMEOUT 300
    FIXTURES_REQUIRED trace_files ENVIRONMENT "${TRACE_LSAN}")
endif()
