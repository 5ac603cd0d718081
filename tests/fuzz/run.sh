#!/usr/bin/env bash
# Fuzzes every target in <build>/fuzz for a bounded time each, one after the other.
#   tests/fuzz/run.sh <seconds> [build dir, default build/sanitize] [target name ...]
# Needs the `sanitize` preset built: cmake --preset sanitize && cmake --build --preset sanitize
# The working corpus grows in <build>/fuzz/work/<name> (seeded from tests/fuzz/corpus/<name>);
# a crash leaves its input in <build>/fuzz/artifacts/<name>/: copy it to
# tests/fuzz/regressions/<name>/ with the fix. FUZZ_UNIT_TIMEOUT (seconds, default 60) is how
# long one input may run before it counts as a hang: generous, as a loaded machine is slow.
# Prints, per target, the executions, the coverage and the corpus size; exits 1 if any target
# found something.
set -uo pipefail

seconds=${1:?usage: run.sh <seconds> [build dir] [target ...]}
here=$(cd "$(dirname "$0")" && pwd)
build=${2:-$here/../../build/sanitize}
shift $(( $# >= 2 ? 2 : 1 ))
bin="$build/fuzz"
[ -d "$bin" ] || { echo "run.sh: no $bin (build the sanitize preset first)" >&2; exit 2; }

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$bin"/fuzz_*; do
    [ -x "$f" ] && names+=("$(basename "$f" | sed 's/^fuzz_//')")
  done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
for name in "${names[@]}"; do
  work="$bin/work/$name"
  artifacts="$bin/artifacts/$name/"
  mkdir -p "$work" "$artifacts"
  seeds=("$here/corpus/$name")
  [ -d "$here/regressions/$name" ] && seeds+=("$here/regressions/$name")
  dict=()
  [ -f "$here/$name.dict" ] && dict=("-dict=$here/$name.dict")
  log="$bin/$name.log"
  "$bin/fuzz_$name" "$work" "${seeds[@]}" "${dict[@]}" -max_total_time="$seconds" \
      -timeout="${FUZZ_UNIT_TIMEOUT:-60}" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$artifacts" >"$log" 2>&1
  rc=$?
  execs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$done_line")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$done_line")
  corp=$(sed -nE 's/.*corp: ([0-9]+).*/\1/p' <<<"$done_line")
  rate=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$done_line")
  if [ $rc -eq 0 ]; then
    echo "fuzz_$name: ${seconds}s, ${execs:-?} execs (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
  else
    echo "fuzz_$name: FAILED (exit $rc) after ${execs:-?} execs; see $log and $artifacts"
    status=1
  fi
done
exit $status
