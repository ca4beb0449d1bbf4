# PROTOCOL.md's tables are generated from the codec's tables: fail when stale.
add_test(NAME protocol_doc_in_sync COMMAND pp_doc --check ${CMAKE_SOURCE_DIR}/PROTOCOL.md)
set_tests_properties(protocol_doc_in_sync PROPERTIES LABELS unit)
