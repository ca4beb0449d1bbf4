# The bad-input suite (hardening issue): about a thousand hostile traces,
# records and fault trees, generated from a fixed seed and each run through
# the real binary: exit 2, one line naming the file and where, no sanitizer
# report, no hang, nothing written outside the report directory.  The kinds
# and their command lines are a table in hostile/hostile.py (add profiles,
# catalogues, scripts there); it prints the counts per kind.
find_program(PYTHON3 python3 REQUIRED)
add_test(NAME hostile_inputs
  COMMAND ${PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/hostile/hostile.py $<TARGET_FILE:pumphil>
          ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/it-hostile --seed 1 --jobs 2)
set_tests_properties(hostile_inputs PROPERTIES LABELS integration TIMEOUT 600)
