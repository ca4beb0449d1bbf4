# Device classes (docs/classes.md): every suite passes on every class
# profile, a test of a feature the class lacks skipping with its reason.  The
# short tests run per class; the long fault tests (hours of bench time, a few
# seconds on sim) run for the classes other than the reference, whose own run
# is faults_suite.
include(${CMAKE_SOURCE_DIR}/tests/cmake/ph_expect.cmake)

foreach(class reference peristaltic)
  ph_expect(class_${class}_scripts RC 0
    ARGS run ${NR} -j 2 --skip-tag long --profile ${class} ${CMAKE_SOURCE_DIR}/scripts
    MATCH " 0 failed" NOMATCH "FAIL" "ERROR")
endforeach()

ph_expect(class_peristaltic_faults RC 0
  ARGS run ${NR} -j 2 --profile peristaltic ${CMAKE_SOURCE_DIR}/scripts/faults
  MATCH " 0 failed" "SKIP .*peristaltic class has no pressure-based occlusion alarm"
  NOMATCH "FAIL" "ERROR")

# A bad class name is one line naming the profile file.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/bad_class.json
  "{ \"name\": \"bad\", \"class\": \"gas-driven\" }\n")
ph_expect(class_unknown_refused RC 2
  ARGS run ${NR} --profile ${CMAKE_CURRENT_BINARY_DIR}/bad_class.json ${CMAKE_SOURCE_DIR}/scripts/regression/device_class.lua
  MATCH "bad_class.json: key 'class': must be reference, peristaltic or valve-metered")
