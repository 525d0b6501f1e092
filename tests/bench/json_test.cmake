# Run by bench_json (tests/bench/tests.cmake): crm_bench at two tiny sizes
# writing JSON, then check_json.py on what it wrote.
#   cmake -DBENCH=... -DPYTHON=... -DDIR=... -P json_test.cmake
set(out "${DIR}/bench_json.json")
file(REMOVE "${out}")
execute_process(COMMAND "${BENCH}" --sizes 100,200 --json "${out}"
  OUTPUT_VARIABLE bench_out ERROR_VARIABLE bench_err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "crm_bench failed (${rc}):\n${bench_out}\n${bench_err}")
endif()
foreach(word "lookup_growth" "PASS")
  string(FIND "${bench_out}" "${word}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "crm_bench printed no ${word}:\n${bench_out}")
  endif()
endforeach()
execute_process(COMMAND "${PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/check_json.py" "${out}" 100 200
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "check_json.py failed on ${out}")
endif()
