# pint_add_cli(<name> SYSTEMS <type>... HEADERS <header>...)
#
# Builds the executable <name>: the whole pint command (run, combine, info: TOML
# settings, validation, HDF5 files, resume, run.json, plots) for pint's own
# systems and the system structs <type>... (C++ type names, e.g. Lorenz or
# my::Lorenz), declared in <header>... (relative to the current source
# directory). Parameters and initial components go by the names the systems
# declare (param_name(), state_name()); see pint/core/system_traits.hpp for
# what a system struct holds.
#
#   find_package(pint REQUIRED)
#   pint_add_cli(my_pint SYSTEMS Lorenz HEADERS lorenz.hpp)
#   # mpiexec -n 2 ./my_pint run --system lorenz --fine rk4 ...
function(pint_add_cli name)
  cmake_parse_arguments(PARSE_ARGV 1 _pint "" "" "SYSTEMS;HEADERS")
  if(_pint_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "pint_add_cli(${name}): unexpected arguments '${_pint_UNPARSED_ARGUMENTS}'; "
                        "usage: pint_add_cli(<name> SYSTEMS <type>... HEADERS <header>...)")
  endif()
  if(NOT _pint_SYSTEMS OR NOT _pint_HEADERS)
    message(FATAL_ERROR "pint_add_cli(${name}): give the system types after SYSTEMS and the "
                        "headers that declare them after HEADERS")
  endif()
  set(_includes "")
  foreach(_header IN LISTS _pint_HEADERS)
    get_filename_component(_path "${_header}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${_path}")
      message(FATAL_ERROR "pint_add_cli(${name}): header ${_header} not found (looked for ${_path})")
    endif()
    string(APPEND _includes "#include \"${_path}\"\n")
  endforeach()
  set(_entries "")
  foreach(_system IN LISTS _pint_SYSTEMS)
    string(APPEND _entries "                                                    pint::apps::system_entry<${_system}>(),\n")
  endforeach()
  set(_main "${CMAKE_CURRENT_BINARY_DIR}/${name}_main.cpp")
  file(CONFIGURE OUTPUT "${_main}" @ONLY CONTENT
"// Written by pint_add_cli(${name}): the pint command with these systems.
#include <pint/apps/cli.hpp>
#include <pint/apps/system_entry.hpp>

@_includes@
int main(int argc, char** argv) {
  return pint::apps::cli_main(argc, argv, {
@_entries@                                                   });
}
")
  add_executable(${name} "${_main}")
  target_link_libraries(${name} PRIVATE pint::apps)
  target_include_directories(${name} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
endfunction()
