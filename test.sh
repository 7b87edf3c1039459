#!/usr/bin/env bash
# Every test: install what is missing, build, run the GoogleTest suites through CTest, check the
# formatting, run the suites again under AddressSanitizer + UndefinedBehaviorSanitizer, and fuzz
# the reader and the expression language briefly. FUZZ_SECONDS (default 60, per target) sets how
# long; run with FUZZ_SECONDS=3600 by hand.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh

step() { printf '\n== %s\n' "$*"; }

step "format (clang-format, Google style)"
mapfile -t sources < <(git ls-files '*.cc' '*.h' 2>/dev/null || find engine tools tests -name '*.cc' -o -name '*.h')
clang-format --dry-run --Werror "${sources[@]}"

step "build and test (release)"
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2

step "build and test (ASan + UBSan)"
if [ ! -f build-asan/build.ninja ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBPMN_SANITIZE=ON -DBPMN_BENCH=OFF
fi
cmake --build build-asan -j2
# The crash test's CI size is 2,000 instances and 200 kills (release build); under the sanitizers
# (a command there takes 0.2 s) a smaller run checks the same properties.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  BPMN_CRASH_INSTANCES=100 BPMN_CRASH_KILLS=10 \
  ctest --test-dir build-asan --output-on-failure -j2

step "fuzz the reader and the expression language, ${FUZZ_SECONDS:-60} s each (libFuzzer, clang)"
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBPMN_FUZZ=ON -DBPMN_BENCH=OFF
fi
cmake --build build-fuzz -j2 --target reader_fuzzer expression_fuzzer
fuzz() {  # fuzz TARGET SEED_DIR: the whole report on a finding, the closing figures otherwise
  if ! ./build-fuzz/tests/"$1" "$2" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=65536 \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 > "$work/$1.log" 2>&1; then
    cat "$work/$1.log"
    return 1
  fi
  echo "$1:"
  tail -n 6 "$work/$1.log"
}
work=$(mktemp -d)
mkdir -p "$work/reader" "$work/expression"
cp bpmn-samples/*.bpmn tests/data/malformed/*.bpmn "$work/reader"/
n=0
while IFS= read -r line; do
  n=$((n + 1))
  printf '%s' "$line" > "$work/expression/seed$n"
done < tests/fuzz/expression_seeds.txt
fuzz reader_fuzzer "$work/reader"
fuzz expression_fuzzer "$work/expression"
rm -rf "$work"

# The closing line CI reads (CTest printed its own above for each build).
echo
echo "all test stages passed"
