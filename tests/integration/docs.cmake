# The scripting guide documents only what exists and every function is used.
add_test(NAME docs_scripting_coverage COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/integration/doc_coverage.py ${CMAKE_SOURCE_DIR})
set_tests_properties(docs_scripting_coverage PROPERTIES LABELS unit)

# The house format (.clang-format) holds for every C file; `make lint` also runs cppcheck.
add_test(NAME lint_clang_format
  COMMAND sh -c "cd '${CMAKE_SOURCE_DIR}' && clang-format --dry-run -Werror $(git ls-files '*.c' '*.h')")
set_tests_properties(lint_clang_format PROPERTIES LABELS unit)

# Docs that run: every ```lua block of README.md and docs/*.md runs on the
# virtual bench (or fails there, `lua expect-fail`, or compiles, `lua fragment`).
add_test(NAME docs_examples_run
  COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/integration/doc_examples.py ${PUMPHIL_BIN} ${CMAKE_SOURCE_DIR})
set_tests_properties(docs_examples_run PROPERTIES LABELS integration TIMEOUT 300)
# ... and the checker reports exactly the planted wrong blocks of tests/data/doc_examples/.
add_test(NAME docs_examples_selftest
  COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/integration/doc_examples.py --self-test ${PUMPHIL_BIN} ${CMAKE_SOURCE_DIR})
set_tests_properties(docs_examples_selftest PROPERTIES LABELS integration TIMEOUT 300)

# Editor annotations (tools/lua/, lua-language-server) and the scripting guide
# list the same API; the self-test plants a mismatch of each kind.
add_test(NAME docs_lua_annotations
  COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/integration/lua_annotations.py ${CMAKE_SOURCE_DIR})
add_test(NAME docs_lua_annotations_selftest
  COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/integration/lua_annotations.py --self-test ${CMAKE_SOURCE_DIR})
set_tests_properties(docs_lua_annotations docs_lua_annotations_selftest PROPERTIES LABELS unit TIMEOUT 60)

# The Lua test scripts are clean under luacheck with the harness's globals
# (.luacheckrc); `make lint` runs the same, but CI runs ctest.
add_test(NAME lint_luacheck
  COMMAND sh -c "cd '${CMAKE_SOURCE_DIR}' && luacheck --config .luacheckrc --no-color -q scripts tests fixtures/adapters")
set_tests_properties(lint_luacheck PROPERTIES LABELS unit TIMEOUT 120)
