#!/usr/bin/env bash
# End-to-end test of `evidex route` as a process: exit codes, standard output and error.
set -euo pipefail
evidex=$1
examples=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$evidex" route "$examples/route-fr-ie-subscriber.json")
[[ $out == '{"as_of":"2026-11-29","channels":[{"procedure":"eu2023-1543.epoc"'* ]] || fail "unexpected output: ${out:0:120}"

out=$("$evidex" route - < "$examples/route-protocol-parties.json")
[[ $out == *'"procedure":"cets224.12"'* ]] || fail "stdin query not routed"

set +e
err=$(echo '{"issuing_state": 1}' | "$evidex" route - 2>&1 >/dev/null)
code=$?
set -e
[[ $code -eq 2 ]] || fail "invalid query exited $code, want 2"
[[ $(printf '%s\n' "$err" | wc -l) -eq 1 ]] || fail "want one line on stderr, got: $err"
[[ $err == *'`addressee`'* || $err == *'`issuing_state`'* ]] || fail "stderr names no field: $err"

set +e
"$evidex" route /nonexistent.json >/dev/null 2>&1
code=$?
"$evidex" >/dev/null 2>&1
usage=$?
set -e
[[ $code -eq 2 ]] || fail "missing file exited $code, want 2"
[[ $usage -eq 2 ]] || fail "no subcommand exited $usage, want 2"
echo "route cli: all checks passed"
