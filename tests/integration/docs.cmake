# The scripting guide documents only what exists and every function is used.
add_test(NAME docs_scripting_coverage COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/integration/doc_coverage.py ${CMAKE_SOURCE_DIR})
set_tests_properties(docs_scripting_coverage PROPERTIES LABELS unit)

# The house format (.clang-format) holds for every C file; `make lint` also runs cppcheck.
add_test(NAME lint_clang_format
  COMMAND sh -c "cd '${CMAKE_SOURCE_DIR}' && clang-format --dry-run -Werror $(git ls-files '*.c' '*.h')")
set_tests_properties(lint_clang_format PROPERTIES LABELS unit)
