/*
 * libcrm - Python: the shared interface and nothing else. SWIG writes the
 * extension `crm._crm` and its proxy `crm._lowlevel`; the idiom (exception
 * classes, context managers, iterators, datetimes) is in crm/__init__.py.
 */
%module(package="crm", threads="1") _lowlevel
%include "../crm.i"
