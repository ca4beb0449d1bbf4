# Trace recorder, reader, dissector and viewer (issue 7).
# Helper programs live next to this file; each test says what it proves.
set(TRACE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(TRACE_OUT ${CMAKE_CURRENT_BINARY_DIR}/trace)
file(MAKE_DIRECTORY ${TRACE_OUT})

# Acceptance 1: a trace killed with kill -9 keeps all but the last 100 ms.
add_executable(trace_killtest ${TRACE_DIR}/trace_killtest.c)
target_link_libraries(trace_killtest PRIVATE pumphil_core)
add_test(NAME trace_kill9 COMMAND trace_killtest ${TRACE_OUT})
set_tests_properties(trace_kill9 PROPERTIES LABELS integration TIMEOUT 300)
