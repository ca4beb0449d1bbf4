# USB over the virtual device (umockdev): label `usb`.
#
# test_usb_* executables are globbed in as unit tests by tests/CMakeLists.txt;
# the ones that run the virtual USB board are relabelled here.  They
# re-execute themselves under libumockdev-preload.so.0 (with libasan first in
# sanitizer builds), so no LD_PRELOAD is needed in ENVIRONMENT.  Every test
# has a TIMEOUT: a wedged umockdev FIFO fails the test instead of hanging CI.
set(PH_USB_DEVICE_TESTS test_usb_vusb)
foreach(t ${PH_USB_DEVICE_TESTS})
  if(TEST ${t})
    set_tests_properties(${t} PROPERTIES LABELS usb TIMEOUT 120)
  endif()
endforeach()
