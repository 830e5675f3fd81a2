# Entry points. `make test` is README's test command: it installs dependencies, builds and runs
# every test (unit tests in a Release build, then unit tests again plus the fuzz smoke runs under
# clang with ASan+UBSan).
JOBS ?= $(shell nproc)
export TANDEM_FUZZ_SECONDS ?= 60

.PHONY: all deps build demo test test-release test-fuzz bench bench-pbx format clean

all: build

deps:
	./scripts/install-deps.sh

build: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

# README's run command: tandem + tandem-pbx in demo mode on https://localhost:8443/ (Ctrl-C
# stops both). Ports: TANDEM_DEMO_PORT=... make demo (docs/quickstart.md).
demo: build
	./scripts/demo.sh --build-dir build/release

test-release: build
	ctest --preset release -j $(JOBS)

test-fuzz: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	ctest --preset fuzz -j $(JOBS)

test: test-release test-fuzz

bench: build
	./build/release/bench/tandem_bench_sip_parse
	./build/release/bench/tandem_bench_srtp
	./bench/run-in-netns.sh ./build/release/bench/tandem_bench_passthrough
	./bench/run-in-netns.sh ./build/release/bench/tandem_bench_webrtc_echo
	./build/release/bench/tandem_bench_dtls_handshake
	./build/release/bench/tandem_bench_transcode
	./bench/pbx_load.sh ./build/release/tools/tandem-pbx/tandem-pbx

bench-pbx: build
	./bench/pbx_load.sh ./build/release/tools/tandem-pbx/tandem-pbx

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
