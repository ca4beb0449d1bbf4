# A run that cannot write its evidence never exits 0; a run that is stopped
# writes what it has (issue 21, items 2 to 4).  tests/integration/evidence_check.sh.
foreach(c unwritable full trace-full locked sigint-1 sigterm-2)
  add_test(NAME evidence_${c}
           COMMAND ${CMAKE_CURRENT_LIST_DIR}/evidence_check.sh ${PUMPHIL_BIN}
                   ${CMAKE_CURRENT_LIST_DIR}/scripts/evidence ${c})
  set_tests_properties(evidence_${c} PROPERTIES LABELS integration TIMEOUT 120)
endforeach()
