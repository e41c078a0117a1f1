#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs what is missing (Debian packages),
# builds the gatehouse binary the integration tests start, runs every test target, then every
# fuzz target for a short time (fuzz/README.md; the table tests have just written its seeds).
set -euo pipefail
cd "$(dirname "$0")/.."

# --browser: the dashboard test drives a real headless Chromium.
scripts/install-deps.sh --browser
swift build
# Every suite is XCTest; without the Swift Testing runner the last line is XCTest's summary.
swift test --disable-swift-testing
scripts/fuzz.sh --all "${FUZZ_SECONDS:-10}"
