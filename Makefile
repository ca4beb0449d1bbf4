# A thin layer over CMake.  `make demo` and `make test` are the whole set-up.
BUILD         ?= build
ASAN_BUILD    ?= build-asan
RELEASE_BUILD ?= build-release
FUZZ_BUILD    ?= build-fuzz
JOBS          ?= $(shell nproc)
GENERATOR     := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
CMAKE_CONFIG   = cmake -S . -G "$(GENERATOR)" -Wno-dev
FUZZ_SECONDS  ?= 5

# Reference firmware for a Cortex-M0+: prints flash and RAM use.
firmware:
	board/fw/m0/build.sh build-m0

# Every planted firmware bug must make at least one test fail.
mutants:
	tools/mutants.sh build-mutants

# The firmware property test, long: 10,000 seeds x 7 virtual days.
property-long:
	tools/fw-property-long.sh $(RELEASE_BUILD) 10000 7

.PHONY: protocol-doc faults-doc all build demo test bench lint firmware mutants fuzz fuzz-long property-long deps deps-test clean

all: build

deps:
	@tools/deps.sh build

deps-test:
	@tools/deps.sh test

build: deps
	@$(CMAKE_CONFIG) -B $(BUILD) -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The regression suite on the virtual bench; reports land in reports/latest/.
demo: build
	$(BUILD)/harness/pumphil run -j $(JOBS) scripts/regression

# The project's own tests under AddressSanitizer and UBSan, then short fuzz runs.
# The results-history tests get a throwaway PostgreSQL server (tools/with-pg.sh).
test: deps-test
	@$(CMAKE_CONFIG) -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPUMPHIL_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && $(CURDIR)/tools/with-pg.sh ctest --output-on-failure -j $(JOBS)
	tools/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Longer fuzzing (FUZZ_SECONDS per target).
fuzz:
	tools/fuzz.sh $(FUZZ_BUILD) $(or $(FUZZ_LONG),600)

bench: deps
	@$(CMAKE_CONFIG) -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
	@cmake --build $(RELEASE_BUILD) -j $(JOBS)
	@tools/bench.sh $(RELEASE_BUILD)

lint: build
	tools/lint.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(RELEASE_BUILD) $(FUZZ_BUILD) build-m0 build-mutants

# Regenerate what is generated from the codec's tables: PROTOCOL.md's
# tables and the Wireshark dissector's.
protocol-doc: build
	$(BUILD)/tools/pp_doc --write PROTOCOL.md
	$(BUILD)/tests/gen_dissector --write tools/wireshark/pumphil.lua

# Regenerate docs/faults.md's tables from the fault catalogue (fixtures/faults.json).
faults-doc:
	tools/faults_doc.py . --write
