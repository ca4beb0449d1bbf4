# The firmware core builds for a Cortex-M0+ without malloc/free or floats and
# fits 48 KiB flash / 8 KiB RAM (the script's link fails otherwise).
add_test(NAME firmware_m0_fits
  COMMAND ${CMAKE_COMMAND} "-DCMD=${CMAKE_SOURCE_DIR}/board/fw/m0/build.sh;${CMAKE_BINARY_DIR}/m0" -DRC=0
          "-DMATCH=flash: [0-9]+ bytes, ram: [0-9]+ bytes" -P ${CMAKE_SOURCE_DIR}/tests/cmake/expect_run.cmake)
set_tests_properties(firmware_m0_fits PROPERTIES LABELS firmware TIMEOUT 300)
