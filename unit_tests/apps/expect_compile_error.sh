#!/usr/bin/env bash
# Builds <target>, which must fail to compile with exactly one error, whose
# text contains <message>.
# Usage: expect_compile_error.sh <build dir> <target> <message>
set -u
build=$1; target=$2; message=$3
if out=$(cmake --build "$build" --target "$target" 2>&1); then
  echo "FAIL: $target compiled; it must not"; exit 1
fi
errors=$(grep -c "error:" <<<"$out")
grep "error:" <<<"$out"
if ! grep -qF -- "$message" <<<"$out"; then
  echo "FAIL: no error names the missing member: expected '$message'"; exit 1
fi
if [ "$errors" -ne 1 ]; then
  echo "FAIL: $errors errors; expected exactly one"; echo "$out" | head -40; exit 1
fi
echo "PASS: one error, naming the missing member"
