# The firmware core builds for a Cortex-M0+ without malloc/free or floats and
# fits 48 KiB flash / 8 KiB RAM (the script's link fails otherwise).
add_test(NAME firmware_m0_fits
  COMMAND ${CMAKE_COMMAND} "-DCMD=${CMAKE_SOURCE_DIR}/board/fw/m0/build.sh;${CMAKE_BINARY_DIR}/m0" -DRC=0
          "-DMATCH=flash: [0-9]+ bytes, ram: [0-9]+ bytes" -P ${CMAKE_SOURCE_DIR}/tests/cmake/expect_run.cmake)
set_tests_properties(firmware_m0_fits PROPERTIES LABELS firmware TIMEOUT 300)

# hal_now reads the 64-bit board_us, which the SysTick interrupt advances, as
# two 32-bit words on the M0+: only with interrupts masked between them is the
# value whole (checked in the disassembly of the image firmware_m0_fits built).
add_test(NAME firmware_m0_irq_read
  COMMAND ${CMAKE_SOURCE_DIR}/tests/integration/m0_irq_read.sh ${CMAKE_BINARY_DIR}/m0/fw-m0.elf hal_now board_us)
set_tests_properties(firmware_m0_fits PROPERTIES FIXTURES_SETUP firmware_m0_image)
set_tests_properties(firmware_m0_irq_read PROPERTIES LABELS firmware TIMEOUT 60
  FIXTURES_REQUIRED firmware_m0_image)
