# Runs at install time, after libcrm.so is installed (install(SCRIPT) in
# CMakeLists.txt). When the library directory is one the dynamic linker's
# configuration names (/etc/ld.so.conf and its includes, or the built-in
# /lib and /usr/lib), ldconfig refreshes the linker's cache, so that a
# program linked against libcrm.so.0 starts at once, without
# LD_LIBRARY_PATH. A private prefix ($HOME/.local, a test's temporary one)
# is left alone: its programs find the library through LD_LIBRARY_PATH or
# an rpath. So is a staged install (DESTDIR): the package it goes into runs
# ldconfig when it is installed.
#
# In: CRM_INSTALL_LIBDIR (CMAKE_INSTALL_LIBDIR), CMAKE_INSTALL_PREFIX (the
# install's, with --prefix). $ENV{LDCONFIG} names the program, default
# ldconfig.

if(NOT "$ENV{DESTDIR}" STREQUAL "")
  return()
endif()

set(_crm_libdir "${CRM_INSTALL_LIBDIR}")
if(NOT IS_ABSOLUTE "${_crm_libdir}")
  set(_crm_libdir "${CMAKE_INSTALL_PREFIX}/${_crm_libdir}")
endif()
if(NOT EXISTS "${_crm_libdir}")
  return()
endif()
get_filename_component(_crm_libdir "${_crm_libdir}" REALPATH)

if(NOT "$ENV{LDCONFIG}" STREQUAL "")
  set(_crm_ldconfig "$ENV{LDCONFIG}")
else()
  find_program(_crm_ldconfig ldconfig PATHS /sbin /usr/sbin)
  if(NOT _crm_ldconfig)
    return()
  endif()
endif()

# `ldconfig -N -X -v` lists the directories it would scan, one "/dir:" line
# each, without touching the cache; it works without root. (Directories
# that are one through a symbolic link, /lib and /usr/lib on a merged /usr,
# are listed once: compare real paths.)
execute_process(COMMAND "${_crm_ldconfig}" -N -X -v
  RESULT_VARIABLE _crm_rc OUTPUT_VARIABLE _crm_out ERROR_QUIET)
string(REGEX MATCHALL "(^|\n)/[^:\n]*:" _crm_dirs "${_crm_out}")
set(_crm_searched FALSE)
foreach(_crm_d IN LISTS _crm_dirs)
  string(REGEX REPLACE "^\n?(.*):$" "\\1" _crm_d "${_crm_d}")
  get_filename_component(_crm_d "${_crm_d}" REALPATH)
  if(_crm_d STREQUAL _crm_libdir)
    set(_crm_searched TRUE)
  endif()
endforeach()
if(NOT _crm_searched)
  message(STATUS "Not running ldconfig: the dynamic linker does not search ${_crm_libdir}; "
    "programs find libcrm.so.0 there with LD_LIBRARY_PATH or an rpath (-Wl,-rpath,${_crm_libdir})")
  return()
endif()

message(STATUS "Refreshing the dynamic linker's cache for ${_crm_libdir}: ${_crm_ldconfig}")
execute_process(COMMAND "${_crm_ldconfig}" RESULT_VARIABLE _crm_rc ERROR_VARIABLE _crm_err)
if(NOT _crm_rc EQUAL 0)
  string(STRIP "${_crm_err}" _crm_err)
  message(WARNING "libcrm is installed in ${_crm_libdir}, which the dynamic linker searches, "
    "but ${_crm_ldconfig} failed (${_crm_err}). Run `sudo ldconfig` once: until then "
    "programs linked against libcrm.so.0 need LD_LIBRARY_PATH=${_crm_libdir}.")
endif()
