# Remove what `cmake --install` installed, as the build's
# install_manifest.txt lists it, then the directories of ours it leaves
# empty: those named crm or libcrm (include/crm, lib/cmake/libcrm, the
# Python package crm), with the __pycache__ Python may have written into
# the package. Directories other software shares (bin, lib/pkgconfig,
# lib/lua/5.4, a site-packages, ...) stay: nothing says we made them.
#
# usage: cmake -DMANIFEST=BUILD/install_manifest.txt -DPREFIX=PREFIX -P cmake/uninstall.cmake
#
# cmake --install rewrites the manifest on every install from the build
# tree, whatever the prefix; PREFIX guards against removing another
# install's files: a manifest that lists nothing under PREFIX is refused.
cmake_minimum_required(VERSION 3.18)

if(NOT MANIFEST OR NOT PREFIX)
  message(FATAL_ERROR "usage: cmake -DMANIFEST=BUILD/install_manifest.txt -DPREFIX=PREFIX -P uninstall.cmake")
endif()
if(NOT EXISTS "${MANIFEST}")
  message(FATAL_ERROR "uninstall: no ${MANIFEST}: nothing was installed from this build tree")
endif()
get_filename_component(_prefix "${PREFIX}" ABSOLUTE)

file(STRINGS "${MANIFEST}" _files)
set(_under 0)
foreach(f IN LISTS _files)
  string(FIND "${f}" "${_prefix}/" _at)
  if(_at EQUAL 0)
    math(EXPR _under "${_under} + 1")
  endif()
endforeach()
if(_files AND _under EQUAL 0)
  list(GET _files 0 _first)
  message(FATAL_ERROR "uninstall: ${MANIFEST} lists no file under ${_prefix} "
    "(the last install from that build went elsewhere, e.g. ${_first}); "
    "install into ${_prefix} again, then uninstall")
endif()

set(_removed 0)
set(_dirs)
foreach(f IN LISTS _files)
  if(IS_SYMLINK "${f}" OR EXISTS "${f}")
    if(IS_DIRECTORY "${f}" AND NOT IS_SYMLINK "${f}")
      message(WARNING "uninstall: ${f} is a directory now; left alone")
      continue()
    endif()
    file(REMOVE "${f}")
    if(IS_SYMLINK "${f}" OR EXISTS "${f}")
      message(FATAL_ERROR "uninstall: could not remove ${f}")
    endif()
    math(EXPR _removed "${_removed} + 1")
  else()
    message(STATUS "uninstall: ${f} was already gone")
  endif()
  get_filename_component(_d "${f}" DIRECTORY)
  list(APPEND _dirs "${_d}")
endforeach()

# Ours are the folders named crm or libcrm, and what lies below one of them.
# Deepest first, so that a parent is looked at once its children are gone.
list(REMOVE_DUPLICATES _dirs)
list(SORT _dirs ORDER DESCENDING)
foreach(d IN LISTS _dirs)
  while(IS_DIRECTORY "${d}")
    string(FIND "${d}" "${_prefix}/" _at)
    if(NOT _at EQUAL 0)
      break()
    endif()
    string(LENGTH "${_prefix}" _n)
    string(SUBSTRING "${d}" ${_n} -1 _rel)
    if(NOT _rel MATCHES "/(crm|libcrm)(/|$)")
      break()
    endif()
    file(GLOB _pyc "${d}/__pycache__/*.pyc")
    file(GLOB _left "${d}/__pycache__/*")
    if(_pyc AND _pyc STREQUAL _left)
      file(REMOVE_RECURSE "${d}/__pycache__")
    endif()
    file(GLOB _left LIST_DIRECTORIES true "${d}/*" "${d}/.*")
    if(_left)
      break()
    endif()
    file(REMOVE_RECURSE "${d}")  # empty: nothing but the folder goes
    message(STATUS "uninstall: removed the folder ${d}")
    get_filename_component(d "${d}" DIRECTORY)
  endwhile()
endforeach()

message(STATUS "uninstall: removed ${_removed} files installed under ${_prefix}")
