#!/usr/bin/env bash
# libFuzzer runs of Gatehouse's parsers (fuzz/README.md). One sanitizer build holds every target;
# GATEHOUSE_FUZZ_TARGET picks one at run time.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…]   run one target (e.g. request-head 60)
#   scripts/fuzz.sh --all SECONDS                       every target in turn (CI: scripts/test.sh)
#   scripts/fuzz.sh --build                             build only
#   scripts/fuzz.sh --list                              target names
#
# Corpus: the seeds exported from the unit-test tables (.build/fuzz-seeds/TARGET, written by the
# table tests through FuzzSeeds.record; run here first when missing), the committed inputs in
# fuzz/corpus/TARGET (every reproducer of a fixed crash), and what earlier runs found
# (.build-fuzz/corpus/TARGET). A crash leaves its input in .build-fuzz/artifacts/TARGET/ and fails.
# FUZZ_CONFIG=debug builds without optimisation (faster to build, slower to run); default release.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build-fuzz
config=${FUZZ_CONFIG:-release}
binary=$scratch/gatehouse-fuzz-$config
targets=(request-head response-head chunked toml json cookie set-cookie ticket jws method-override)
# The table tests that write seeds (FuzzSeeds.record).
seed_tests='HeadParserRequestTests|HeadParserResponseTests|ChunkedDecoderTests|CookieTests|SetCookieParserTests'
seed_tests+='|JSONParserTests|JWTValidatorTests|JWTAlgorithmTests|TOMLParserTests|ConfigLoaderTests|SessionTicketTests'
seed_tests+='|MethodOverrideTests'

build() {
  echo "== building the fuzz targets ($config, -sanitize=fuzzer,address)"
  GATEHOUSE_FUZZ_BUILD=1 swift build -c "$config" --scratch-path "$scratch" --target GatehouseFuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
  local bin_path
  bin_path=$(GATEHOUSE_FUZZ_BUILD=1 swift build -c "$config" --scratch-path "$scratch" --show-bin-path)
  # Every object of GatehouseFuzz's dependency closure (the only targets built in this scratch path).
  mapfile -t objects < <(find "$bin_path" -path '*.build/*' -name '*.o' | sort)
  # shellcheck disable=SC2046
  # gold warns once per ASan helper symbol it cannot export; harmless, so kept out of the output.
  swiftc -sanitize=fuzzer,address "${objects[@]}" -o "$binary" $(pkg-config --libs openssl hiredis) 2>&1 |
    { grep -v 'Cannot export local symbol' || true; }
}

seeds() {
  if [[ ! -d .build/fuzz-seeds/request-head ]]; then
    echo "== exporting seeds from the test tables"
    swift test --disable-swift-testing --filter "$seed_tests" >/dev/null
  fi
}

run() {
  local target=$1 seconds=$2
  shift 2
  local work=$scratch/corpus/$target artifacts=$scratch/artifacts/$target
  mkdir -p "$work" "$artifacts"
  local corpora=("$work")
  [[ -d .build/fuzz-seeds/$target ]] && corpora+=(".build/fuzz-seeds/$target")
  [[ -d fuzz/corpus/$target ]] && corpora+=("fuzz/corpus/$target")
  local dict=()
  [[ -f fuzz/dict/$target.dict ]] && dict=("-dict=fuzz/dict/$target.dict")
  local log=$scratch/$target.log
  echo "== $target for ${seconds}s"
  # Swift's own crash backtracer would hold the process for seconds on every finding.
  set +e
  SWIFT_BACKTRACE=enable=no GATEHOUSE_FUZZ_TARGET=$target "$binary" "${corpora[@]}" "${dict[@]}" \
    -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$@" >"$log" 2>&1
  local status=$?
  set -e
  grep -E '^(INFO: seed corpus|#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
  if [[ $status -ne 0 ]]; then
    echo "!! $target failed (exit $status); the input is in $artifacts/, the log in $log:"
    grep -E 'fuzz property violated|ERROR: AddressSanitizer|SUMMARY|Test unit written|Fatal error' "$log" | head -20
    return "$status"
  fi
}

case "${1:-}" in
  --list) printf '%s\n' "${targets[@]}" ;;
  --build) build ;;
  --all)
    seconds=${2:?usage: scripts/fuzz.sh --all SECONDS}
    build
    seeds
    for target in "${targets[@]}"; do run "$target" "$seconds"; done
    ;;
  "" | -*)
    sed -n '2,15p' "$0"
    exit 2
    ;;
  *)
    target=$1 seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
    shift 2
    [[ " ${targets[*]} " == *" $target "* ]] || { echo "unknown target $target (--list)"; exit 2; }
    build
    seeds
    run "$target" "$seconds" "$@"
    ;;
esac
