# libcrm - convenience wrapper around CMake. `make test` and `make demo`
# each work on a fresh Debian 12 machine: they install what is missing.

BUILD   ?= build
PREFIX  ?= /usr/local
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE   ?= cmake
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages the build, the tests and the demo need.
DEPS := build-essential cmake pkg-config libsqlite3-dev uuid-dev libphonenumber-dev libcsv-dev \
        libutf8proc-dev help2man groff-base \
        valgrind binutils python3 abigail-tools \
        swig python3-dev python3-pytest python3-hypothesis lua-unit lcov \
        liblua5.4-dev lua5.4 liblua5.3-dev lua5.3 liblua5.2-dev lua5.2 liblua5.1-0-dev lua5.1 \
        libluajit-5.1-dev luajit \
        python3-flask chromium chromium-driver python3-selenium \
        kamailio kamailio-lua-modules sipsak \
        python3-venv python3-pip python3-setuptools python3-wheel python3-build python3-mypy \
        luarocks \
        python3-matplotlib python3-jsonschema

RELEASE := $(BUILD)/release
COVER   := $(BUILD)/coverage
ASAN    := $(BUILD)/asan
VGRIND  := $(BUILD)/valgrind

.PHONY: all deps build test test-asan test-valgrind demo install bench coverage clean

all: build

deps:
	@missing=""; \
	for p in $(DEPS); do \
	  dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q '^install ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "deps: everything is installed"; \
	fi

# configure DIR EXTRA-FLAGS
define configure
	$(CMAKE) -S . -B $(1) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(2) >/dev/null
	$(CMAKE) --build $(1) -j $(JOBS)
endef

build: deps
	$(call configure,$(RELEASE),)

test: deps test-asan test-valgrind

test-asan:
	$(call configure,$(ASAN),-DCRM_SANITIZE=ON)
	cd $(ASAN) && ctest --output-on-failure -j $(JOBS)

test-valgrind:
	$(call configure,$(VGRIND),-DCRM_VALGRIND=ON)
	cd $(VGRIND) && ctest --output-on-failure -j $(JOBS)

# `make demo`: only what the library and crmctl need, built quietly (errors
# still show) without tests, bindings or benchmarks, then crmctl's demo.
DEMO_DEPS := build-essential cmake pkg-config libsqlite3-dev uuid-dev libphonenumber-dev \
             libcsv-dev libutf8proc-dev
DEMO      := $(BUILD)/demo

demo:
	@$(MAKE) --no-print-directory deps DEPS="$(DEMO_DEPS)"
	@echo "demo: configuring and building crmctl in $(DEMO)"
	@$(CMAKE) -S . -B $(DEMO) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRM_BUILD_TESTS=OFF \
	  -DCRM_BUILD_BENCH=OFF -DCRM_BINDINGS_PYTHON=OFF -DCRM_BINDINGS_LUA=OFF >/dev/null
	@$(CMAKE) --build $(DEMO) --target crmctl -j $(JOBS) >/dev/null
	@rm -f $(DEMO)/demo.db $(DEMO)/demo.db-wal $(DEMO)/demo.db-shm
	@$(DEMO)/examples/crmctl/crmctl --db $(DEMO)/demo.db demo
	@echo; echo "That was $$(realpath $(DEMO)/examples/crmctl/crmctl). Try next:"
	@echo "  $(DEMO)/examples/crmctl/crmctl --db $(DEMO)/demo.db customer show jane.doe@example.com"
	@echo "  $(DEMO)/examples/crmctl/crmctl --db $(DEMO)/demo.db timeline twitter:@JaneDoe"
	@echo "  $(DEMO)/examples/crmctl/crmctl --db $(DEMO)/demo.db promise list --overdue"

# Only the copying runs through sudo, and only when PREFIX is not writable.
install: build
	@if [ -w "$(PREFIX)" ] || { [ ! -e "$(PREFIX)" ] && [ -w "$$(dirname "$(PREFIX)")" ]; }; then \
	  echo "$(CMAKE) --install $(RELEASE) --prefix $(PREFIX)"; \
	  $(CMAKE) --install $(RELEASE) --prefix "$(PREFIX)"; \
	else \
	  echo "$(SUDO) $(CMAKE) --install $(RELEASE) --prefix $(PREFIX)"; \
	  $(SUDO) $(CMAKE) --install $(RELEASE) --prefix "$(PREFIX)"; \
	fi

# `make uninstall`: remove what `make install` put in PREFIX, as
# $(RELEASE)/install_manifest.txt lists it, and the folders of ours it leaves
# empty (cmake/uninstall.cmake); through sudo when PREFIX is not writable,
# as install does.
.PHONY: uninstall
uninstall:
	@if [ -w "$(PREFIX)" ]; then sudo=; else sudo="$(SUDO)"; fi; \
	echo "$$sudo $(CMAKE) -DMANIFEST=$(RELEASE)/install_manifest.txt -DPREFIX=$(PREFIX) -P cmake/uninstall.cmake"; \
	$$sudo $(CMAKE) -DMANIFEST=$(RELEASE)/install_manifest.txt -DPREFIX="$(PREFIX)" -P cmake/uninstall.cmake

# Debian packages (debian/): `make deb` builds libcrm0, libcrm-dev, crmctl,
# python3-crm and lua-crm (and their -dbgsym) with dpkg-buildpackage, which
# writes them to the parent directory; they are moved from there, with their
# .changes and .buildinfo, into $(DEB_OUT), and the tree is cleaned after.
# `make check-deb` builds them unless $(DEB_OUT) has them, runs lintian on
# them, installs them on this machine, runs tests/deb/check_deb.sh against
# them and purges them again. Neither is part of `make test`.
DEB_DEPS := build-essential dpkg-dev debhelper dh-python fakeroot lintian \
            cmake pkg-config libsqlite3-dev uuid-dev libphonenumber-dev libcsv-dev \
            libutf8proc-dev help2man groff-base \
            swig python3-dev liblua5.4-dev lua5.4 liblua5.3-dev lua5.3 \
            liblua5.2-dev lua5.2 liblua5.1-0-dev lua5.1 libluajit-5.1-dev luajit
DEB_OUT  ?= $(BUILD)/deb
.PHONY: deb check-deb

deb:
	@$(MAKE) --no-print-directory deps DEPS="$(DEB_DEPS)"
	dpkg-checkbuilddeps
	DEB_BUILD_OPTIONS="parallel=$(JOBS) nocheck $$DEB_BUILD_OPTIONS" dpkg-buildpackage -b -us -uc
	@changes=../$$(dpkg-parsechangelog -S Source)_$$(dpkg-parsechangelog -S Version)_$$(dpkg-architecture -qDEB_HOST_ARCH).changes; \
	rm -rf $(DEB_OUT) && mkdir -p $(DEB_OUT) && \
	for f in $$(awk '/^Files:/ { on = 1; next } /^[^ ]/ { on = 0 } on { print $$NF }' $$changes); do \
	  mv ../$$f $(DEB_OUT)/ || exit 1; \
	done && mv $$changes $(DEB_OUT)/ && echo "deb: moved from .. into $(DEB_OUT):" && ls $(DEB_OUT)
	debian/rules clean >/dev/null

check-deb:
	@ls $(DEB_OUT)/*.changes >/dev/null 2>&1 || $(MAKE) --no-print-directory deb
	@$(MAKE) --no-print-directory deps DEPS="lintian build-essential cmake pkg-config python3 lua5.4 lua5.3 lua5.2 lua5.1 luajit"
	lintian --fail-on error,warning $(DEB_OUT)/*.changes
	bash tests/deb/check_deb.sh $(DEB_OUT) . $(BUILD)/check-deb $(SUDO)

# `make bench`: the C benchmark at three sizes, search's at a million texts
# (its figures in $(BENCH_OUT)/search.txt), an erase and a merge in files
# of a million interactions ($(BENCH_OUT)/privacy.txt and merge.txt), a
# CSV import of 100k customers against libcsv + SQLite by hand and Python's
# csv + sqlite3 (import.txt), the same work through the Python binding
# (against the sqlite3 module and SQLAlchemy's ORM) and the Lua binding at
# two, then bench/results.md and bench/results.png from their
# JSON. Timings never fail it: targets print PASS or MISS. Debian's
# /usr/bin/python3 is named on purpose: a python3 first on PATH may lack
# Debian's python3-sqlalchemy and python3-matplotlib, which deps installs
# (the tiny runs in the test suite use them too).
BENCH_DEPS        := python3-sqlalchemy python3-matplotlib
DEPS              += $(BENCH_DEPS)
BENCH_OUT         ?= $(BUILD)/bench
BENCH_SIZES       ?= 10000,100000,1000000
BENCH_BIND_SIZES  ?= 10000,100000
BENCH_PYTHON      ?= /usr/bin/python3
BENCH_LUA         ?= lua5.4
BENCH_SEARCH_DOCS ?= 1000000
BENCH_PRIVACY_INTERACTIONS ?= 1000000
BENCH_MERGE_INTERACTIONS ?= 1000000

bench: build
	$(CMAKE) --build $(RELEASE) --target crm_bench crm_search_bench crm_privacy_bench \
	  crm_merge_bench crm_import_bench crm_python crm_lua -j $(JOBS)
	mkdir -p $(BENCH_OUT)
	$(RELEASE)/bench/crm_bench --sizes $(BENCH_SIZES) --json $(BENCH_OUT)/c.json
	$(RELEASE)/bench/crm_search_bench $(BENCH_SEARCH_DOCS) | tee $(BENCH_OUT)/search.txt
	$(RELEASE)/bench/crm_privacy_bench $(BENCH_PRIVACY_INTERACTIONS) | tee $(BENCH_OUT)/privacy.txt
	$(RELEASE)/bench/crm_merge_bench $(BENCH_MERGE_INTERACTIONS) | tee $(BENCH_OUT)/merge.txt
	$(RELEASE)/bench/crm_import_bench 100000 --python $(BENCH_PYTHON) \
	  --script bench/import_bench.py | tee $(BENCH_OUT)/import.txt
	PYTHONPATH=$(RELEASE)/bindings/python $(BENCH_PYTHON) bench/bench_python.py \
	  --sizes $(BENCH_BIND_SIZES) --json $(BENCH_OUT)/python.json
	LUA_CPATH='$(RELEASE)/bindings/lua/?.so' $(BENCH_LUA) bench/bench_lua.lua \
	  --sizes $(BENCH_BIND_SIZES) --json $(BENCH_OUT)/lua.json
	$(BENCH_PYTHON) bench/report.py --md bench/results.md --png bench/results.png \
	  $(BENCH_OUT)/c.json $(BENCH_OUT)/python.json $(BENCH_OUT)/lua.json

# The reliability harnesses at sizes too big for `make test`, in the
# sanitizer build: 1000 crash trials per durability, every fault of every
# write with extra data and a reopen after each failure, 8 writer
# processes x 20000 writes with 4 readers, 8 threads x 20000, and an hour of
# random call sequences against the reference model (tests/model;
# CRM_MODEL_SECONDS sets the time).
.PHONY: stress
stress: deps
	$(call configure,$(ASAN),-DCRM_SANITIZE=ON)
	cd $(ASAN)/tests && TMPDIR=$$PWD ./test_crash 1000
	cd $(ASAN)/tests && TMPDIR=$$PWD ./test_faults --stress
	cd $(ASAN)/tests && TMPDIR=$$PWD ./test_concurrent 20000 20000 8 4 5000
	cd $(ASAN)/tests && TMPDIR=$$PWD sh ./model_stress.sh

# libFuzzer on every fuzz target in tests/fuzz, SECONDS each (default 60),
# one after another. New inputs collect in $(FUZZ)/corpus/NAME; an input that
# breaks a property is saved in $(FUZZ)/artifacts and stops the run.
FUZZ      := $(BUILD)/fuzz
FUZZ_DEPS := clang libclang-rt-14-dev
SECONDS   ?= 60
.PHONY: fuzz
fuzz: deps
	@$(MAKE) --no-print-directory deps DEPS="$(FUZZ_DEPS)"
	CC=clang CXX=clang++ $(CMAKE) -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRM_FUZZ=ON >/dev/null
	$(CMAKE) --build $(FUZZ) -j $(JOBS) --target fuzz_all
	@mkdir -p $(FUZZ)/artifacts
	@for src in tests/fuzz/fuzz_*.c; do \
	  name=$$(basename $$src .c); name=$${name#fuzz_}; \
	  mkdir -p $(FUZZ)/corpus/$$name; \
	  echo "fuzz: $$name for $(SECONDS) s"; \
	  $(FUZZ)/tests/fuzz_$$name -max_total_time=$(SECONDS) -max_len=1024 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ)/artifacts/$$name- \
	    $(FUZZ)/corpus/$$name tests/fuzz/corpus/$$name 2>$(FUZZ)/$$name.log \
	    || { tail -40 $(FUZZ)/$$name.log; exit 1; }; \
	  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|cov: ' $(FUZZ)/$$name.log | tail -3; \
	done

# Line and branch coverage of lib/ by the whole suite (gcov + lcov).
coverage: deps
	$(call configure,$(COVER),-DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=--coverage -DCMAKE_CXX_FLAGS=--coverage -DCMAKE_EXE_LINKER_FLAGS=--coverage -DCMAKE_SHARED_LINKER_FLAGS=--coverage)
	lcov --quiet --zerocounters --directory $(COVER)
	@# The install tests link consumers without --coverage; they test packaging, not lib/.
	cd $(COVER) && ctest -j $(JOBS) -E '^(install|python_lua_install)$$' >/dev/null
	lcov --quiet --capture --rc lcov_branch_coverage=1 --directory $(COVER) --output-file $(COVER)/all.info
	lcov --quiet --rc lcov_branch_coverage=1 --extract $(COVER)/all.info '$(CURDIR)/lib/*' --output-file $(COVER)/lib.info
	lcov --rc lcov_branch_coverage=1 --summary $(COVER)/lib.info

# `make abi-dump` at a release: abi/<soname>-<version>.abi, the ABI of the
# built libcrm.so, which the abi test checks later builds against
# (docs/abi.md).
.PHONY: abi-dump
abi-dump: build
	abi/abi.sh dump $(RELEASE)/libcrm.so include abi

clean:
	rm -rf $(BUILD)
