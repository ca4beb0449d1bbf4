# The results history (docs/history.md): the store's acceptance checks on
# SQLite and on PostgreSQL (a server tools/with-pg.sh starts for `make test`;
# these fail under CI=true without one, and skip elsewhere).
set(HIST ${CMAKE_CURRENT_LIST_DIR}/history_check.sh)
set(HIST_PLANT ${CMAKE_BINARY_DIR}/plant-occlusion_slow)

# The occlusion_slow planted bug, built once (pumphil only) for both
# regression checks.
add_test(NAME history_plant_build
  COMMAND sh -c "if [ ! -f '${HIST_PLANT}/build.ninja' ]; then cmake -S '${CMAKE_SOURCE_DIR}' -B '${HIST_PLANT}' -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPUMPHIL_PLANT=occlusion_slow >'${HIST_PLANT}.configure.log' 2>&1 || { cat '${HIST_PLANT}.configure.log'; exit 1; }; fi; cmake --build '${HIST_PLANT}' --target pumphil >'${HIST_PLANT}.build.log' 2>&1 || { tail -30 '${HIST_PLANT}.build.log'; exit 1; }")
set_tests_properties(history_plant_build PROPERTIES LABELS integration TIMEOUT 900
  FIXTURES_SETUP history_plant)

foreach(kind sqlite pg)
  foreach(mode unreachable concurrent regression)
    add_test(NAME history_${kind}_${mode}
      COMMAND bash ${HIST} ${mode} ${kind} ${CMAKE_SOURCE_DIR} ${PUMPHIL_BIN}
              ${CMAKE_BINARY_DIR}/history-${kind}-${mode} ${HIST_PLANT}/harness/pumphil)
    set_tests_properties(history_${kind}_${mode} PROPERTIES LABELS integration TIMEOUT 600
      SKIP_RETURN_CODE 77)
  endforeach()
  set_tests_properties(history_${kind}_regression PROPERTIES FIXTURES_REQUIRED history_plant)
endforeach()

# The commands' usage errors: one line naming what is wrong, exit 2.
include(${CMAKE_SOURCE_DIR}/tests/cmake/ph_expect.cmake)
ph_expect(history_unknown_command RC 2 ARGS history frobnicate
          MATCH "unknown command 'frobnicate'" "usage: pumphil history")
ph_expect(history_bad_url RC 1 ARGS history --db mysql://x stats
          MATCH "'mysql://x' is not a history database")
ph_expect(compare_bad_selector RC 2 ARGS compare --db sqlite:${CMAKE_BINARY_DIR}/it-run/history.sqlite
          colour=red fw=0.1.0 MATCH "A: unknown key 'colour'")
ph_expect(compare_one_side RC 2 ARGS compare fw=0.1.0 MATCH "give two selectors, A and B")
