# The scripting guide documents only what exists and every function is used.
add_test(NAME docs_scripting_coverage COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/integration/doc_coverage.py ${CMAKE_SOURCE_DIR})
set_tests_properties(docs_scripting_coverage PROPERTIES LABELS unit)
