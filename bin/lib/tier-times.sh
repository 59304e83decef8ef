#!/usr/bin/env bash
# Prints the time spent in each test tier, from the surefire and failsafe reports, and the total wall time.
# Usage: tier-times.sh START_EPOCH_SECONDS
set -euo pipefail
cd "$(dirname "$0")/../.."
started=${1:-$(date +%s)}
shopt -s nullglob
reports=(*/target/surefire-reports/TEST-*.xml */target/failsafe-reports/TEST-*.xml)
declare -A seconds=() tests=() failed=() skipped=()
for report in "${reports[@]}"; do
  line=$(grep -m1 -o '<testsuite [^>]*>' "$report" || true)
  name=$(sed -n 's/.* name="\([^"]*\)".*/\1/p' <<<"$line")
  time=$(sed -n 's/.* time="\([^"]*\)".*/\1/p' <<<"$line" | tr -d ,)
  count=$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$line")
  bad=$(( $(sed -n 's/.* failures="\([0-9]*\)".*/\1/p' <<<"$line") + $(sed -n 's/.* errors="\([0-9]*\)".*/\1/p' <<<"$line") ))
  skip=$(sed -n 's/.* skipped="\([0-9]*\)".*/\1/p' <<<"$line")
  case "$name" in
    *E2EIT) tier="*E2EIT" ;;
    *KernelIT) tier="*KernelIT" ;;
    *IT) tier="*IT" ;;
    *) tier="*Test" ;;
  esac
  seconds[$tier]=$(awk -v a="${seconds[$tier]:-0}" -v b="${time:-0}" 'BEGIN { printf "%.1f", a + b }')
  tests[$tier]=$(( ${tests[$tier]:-0} + ${count:-0} ))
  failed[$tier]=$(( ${failed[$tier]:-0} + bad ))
  skipped[$tier]=$(( ${skipped[$tier]:-0} + ${skip:-0} ))
done
echo
echo "Test tiers (seconds inside the test classes; the rest of the wall time is compiling and Maven):"
for tier in "*Test" "*IT" "*KernelIT" "*E2EIT"; do
  printf '  %-10s %4d tests, %3d failed, %3d skipped, %7.1f s\n' "$tier" "${tests[$tier]:-0}" "${failed[$tier]:-0}" \
    "${skipped[$tier]:-0}" "${seconds[$tier]:-0}"
done
printf '  wall time of the whole run: %d s\n' $(( $(date +%s) - started ))
