#!/usr/bin/env bash
# Runs a command that must fail fast: non-zero exit, not a timeout, and stderr
# containing the expected text. Usage: expect_abort.sh <expected text> <command...>
set -u
expected=$1; shift
err=$(mktemp)
timeout 120 "$@" 2>"$err" >/dev/null
rc=$?
if [ "$rc" -eq 124 ]; then echo "FAIL: the job hung (killed after 120 s)"; cat "$err"; exit 1; fi
if [ "$rc" -eq 0 ]; then echo "FAIL: the job exited 0 although one rank failed"; exit 1; fi
if ! grep -qF -- "$expected" "$err"; then
  echo "FAIL: exit $rc but stderr lacks '$expected':"; cat "$err"; exit 1
fi
echo "ok: exit $rc with: $(grep -F -- "$expected" "$err" | head -1)"
rm -f "$err"
