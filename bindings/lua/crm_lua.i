/*
 * libcrm - Lua (5.1 to 5.4, LuaJIT): the shared interface (../crm.i, which describes the
 * layout) with Lua's own pieces; the idiom is layer.i, run when
 * `require "crm"` loads the module.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
%module crm

%include "../crm_head.i"
%include "compat.i"
%include "errors.i"
%include "arguments.i"
%include "outputs.i"
%include "records.i"
%include "../crm.i"
%include "clock.i"
%include "layer.i"
