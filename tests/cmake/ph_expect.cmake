# ph_expect(NAME RC <rc> ARGS <args...> [MATCH <regex>...] [NOMATCH <regex>...] [LABELS ...]):
# a test that runs the harness and checks its exit status and output
# (tests/cmake/expect_run.cmake).  Included by every tests/integration/*.cmake
# that needs it, whatever order they are globbed in.  NR is the --report
# option that keeps the reports in the build tree, one folder per test.
include_guard(GLOBAL)
set(RUNDIR ${CMAKE_BINARY_DIR}/it-run)
file(MAKE_DIRECTORY ${RUNDIR})
set(NR --report ${RUNDIR})

function(ph_expect name)
  cmake_parse_arguments(E "" "RC" "ARGS;MATCH;NOMATCH;LABELS" ${ARGN})
  # Each test its own report directory: two runs never share one (the
  # second would be refused), and ctest runs tests in parallel.
  string(REPLACE "${RUNDIR}" "${RUNDIR}/${name}" E_ARGS "${E_ARGS}")
  string(REPLACE ";" "|||" match "${E_MATCH}")
  string(REPLACE ";" "|||" nomatch "${E_NOMATCH}")
  if(NOT E_LABELS)
    set(E_LABELS integration)
  endif()
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} "-DCMD=${PUMPHIL_BIN};${E_ARGS}" -DRC=${E_RC}
            "-DMATCH=${match}" "-DNOMATCH=${nomatch}" -DWORKDIR=${CMAKE_SOURCE_DIR}
            -P ${CMAKE_SOURCE_DIR}/tests/cmake/expect_run.cmake)
  # Runs store their results in a history in the build tree, not the
  # source tree's reports/ (docs/history.md).
  set_tests_properties(${name} PROPERTIES LABELS "${E_LABELS}" TIMEOUT 600
    ENVIRONMENT "PUMPHIL_HISTORY=sqlite:${RUNDIR}/history.sqlite")
endfunction()
