# test_threads starts threads of its own.
crm_c_test(test_threads LIBS Threads::Threads)
