# ph_add_library(NAME DIR DEPS...): a static library from DIR/*.c that
# publishes DIR as include directory.  While a folder has no sources yet (the
# tree is grown in parallel) it is an interface library, so dependants still
# configure.
function(ph_add_library name dir)
  file(GLOB srcs CONFIGURE_DEPENDS ${dir}/*.c)
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_include_directories(${name} PUBLIC ${dir})
    target_link_libraries(${name} PUBLIC ${ARGN})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${dir})
    target_link_libraries(${name} INTERFACE ${ARGN})
  endif()
endfunction()
