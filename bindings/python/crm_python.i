/*
 * libcrm - Python. SWIG writes the extension `crm._crm` and its proxy
 * `crm._lowlevel`; the idiom (exception classes, context managers,
 * iterators, datetimes) is in crm/__init__.py. The shared interface
 * (../crm.i, which describes the layout) with Python's own pieces.
 *
 * Every libcrm call runs without the GIL (threads="1"), so a call waiting
 * for a lock stops no other thread. libcrm itself makes calls on one
 * handle take turns and keeps a transaction group to the thread that
 * began it.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
%module(package="crm", threads="1") _lowlevel

%include "../crm_head.i"
%include "errors.i"
%include "arguments.i"
%include "outputs.i"
%include "records.i"
%include "cursors.i"
%include "../crm.i"
%include "clock.i"
