#!/usr/bin/env bash
# Checks on pint_io_stream_probe, each in fresh processes.
#   memory: peak resident memory (VmHWM) of a 1e4-step and a 1e5-step solve of a
#           1000-member ensemble; 10x the steps must add less than 10%.
#   crash:  a process killed mid-stream leaves only the temporary file.
# Usage: stream_probe_check.sh memory|crash <probe> <scratch directory>
set -u
mode=$1; probe=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"
trap 'rm -rf "$scratch"' EXIT

case $mode in
memory)
  hwm() {
    rm -f "$scratch"/*.h5
    "$probe" "$scratch" "$1" 1000 | awk '/^VmHWM_kB/ {print $2}'
  }
  small=$(hwm 10000); large=$(hwm 100000)
  if [ -z "$small" ] || [ -z "$large" ]; then echo "FAIL: the probe did not run"; exit 1; fi
  echo "peak resident memory: 1e4 steps ${small} kB, 1e5 steps ${large} kB"
  awk -v s="$small" -v l="$large" 'BEGIN {
    printf "growth: %.2f%% (limit 10%%)\n", 100 * (l - s) / s
    exit !(l < 1.10 * s) }' || { echo "FAIL: memory grows with the number of steps"; exit 1; }
  ;;
crash)
  "$probe" "$scratch" 20000 200 --crash-after 10000
  rc=$?
  if [ "$rc" -ne 3 ]; then echo "FAIL: the probe exited $rc, expected its crash (3)"; exit 1; fi
  ls -A "$scratch"
  if ls "$scratch" | grep -q '^fine-.*\.h5$'; then
    echo "FAIL: an interrupted write left a file with the final name"; exit 1
  fi
  if ! ls -A "$scratch" | grep -q '^\.fine-.*\.h5\.partial$'; then
    echo "FAIL: no temporary file: was the stream written at all?"; exit 1
  fi
  echo "ok: only the temporary file remains"
  ;;
*) echo "usage: stream_probe_check.sh memory|crash <probe> <scratch>"; exit 2 ;;
esac
