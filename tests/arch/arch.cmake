# Architecture checks: the part boundaries declared in harness/CMakeLists.txt
# hold at compile time (header guards) and at link time (whole-archive link
# of a part against its declared dependencies).  Each probe is a target left
# out of `all`; the tests build it and expect the failure, named.

# ph_arch_probe(TARGET PART SOURCE...): sources compiled as files of PART,
# with PART's declared dependencies and nothing else.
function(ph_arch_probe target part)
  string(TOUPPER ${part} up)
  get_property(deps GLOBAL PROPERTY PH_PART_DEPS_${part})
  add_executable(${target} EXCLUDE_FROM_ALL ${ARGN})
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/harness)
  target_compile_definitions(${target} PRIVATE PH_USES_${up}=1)
  target_link_libraries(${target} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,ph_${part}>" ${deps})
endfunction()

set(arch ${CMAKE_CURRENT_SOURCE_DIR}/arch)
ph_arch_probe(arch_probe_fta_includes_run fta ${arch}/link_main.c ${arch}/probe_fta_includes_run.c)
ph_arch_probe(arch_probe_fta_includes_fta fta ${arch}/link_main.c ${arch}/probe_fta_includes_fta.c)
ph_arch_probe(arch_probe_trace_includes_view trace ${arch}/link_main.c
              ${arch}/probe_trace_includes_view.c)
ph_arch_probe(arch_probe_fta_calls_run fta ${arch}/link_main.c ${arch}/probe_fta_calls_run.c)

# ph_arch_test(NAME TARGET REGEX): building TARGET must print REGEX.  The
# builds share this build tree, so they never run at the same time.
function(ph_arch_test name target regex)
  add_test(NAME ${name}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target ${target})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 300
    RESOURCE_LOCK build_tree PASS_REGULAR_EXPRESSION "${regex}")
endfunction()

ph_arch_test(arch_forbidden_include arch_probe_fta_includes_run
             "run/ is not a declared dependency of this part")
ph_arch_test(arch_forbidden_include_upward arch_probe_trace_includes_view
             "view/ is not a declared dependency of this part")
ph_arch_test(arch_forbidden_call arch_probe_fta_calls_run "undefined reference to .ph_run")
# The allowed twin builds: the probes fail for their crossing, not their set-up.
add_test(NAME arch_allowed_include
         COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target arch_probe_fta_includes_fta)
set_tests_properties(arch_allowed_include PROPERTIES LABELS unit TIMEOUT 300
  RESOURCE_LOCK build_tree)

# The table in docs/ARCHITECTURE.md and the declarations in
# harness/CMakeLists.txt say the same thing.
add_test(NAME arch_table_matches_cmake
         COMMAND python3 ${arch}/check_table.py ${CMAKE_SOURCE_DIR})
set_tests_properties(arch_table_matches_cmake PROPERTIES LABELS unit TIMEOUT 60)
