#!/usr/bin/env bash
# End-to-end test of `evidex merkle` through a shell: pipes leaves and proofs into the real binary
# and checks its output and exit codes. Expected roots were computed independently with Python's
# hashlib, straight from RFC 9162 section 2.1.
#
# Usage: merkle_cli_test.sh PATH/TO/evidex
set -u

evidex="$1"
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_out NAME WANT GOT
expect_out() {
  if [[ "$3" != "$2" ]]; then fail "$1: got '$3', want '$2'"; fi
}

# expect_code NAME WANT GOT
expect_code() {
  if [[ "$3" != "$2" ]]; then fail "$1: exit code $3, want $2"; fi
}

empty_root=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
rfc_leaves='\n00\n10\n2021\n3031\n40414243\n5051525354555657\n606162636465666768696a6b6c6d6e6f\n'

# --- root ---
expect_out "root of the RFC 6962 test leaves" \
  5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328 \
  "$(printf "$rfc_leaves" | "$evidex" merkle root)"
expect_out "root of no leaves" "$empty_root" "$(printf '' | "$evidex" merkle root)"
expect_out "root of one empty leaf" \
  6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d \
  "$(printf '\n' | "$evidex" merkle root)"
expect_out "root without a final newline" \
  3a6c27fde711243b24095e21cfa3ab2fd6c4e186412e526b2684850209247eca \
  "$(printf 'aa\nbb' | "$evidex" merkle root)"
expect_out "root with CR LF" \
  3a6c27fde711243b24095e21cfa3ab2fd6c4e186412e526b2684850209247eca \
  "$(printf 'aa\r\nbb\r\n' | "$evidex" merkle root)"
expect_out "root with an empty middle leaf" \
  aa81adb69acb85d74c65a05562bf478fb79ad1ac467e737ac5e7763d84944676 \
  "$(printf 'aa\n\nbb\n' | "$evidex" merkle root)"
expect_out "root of 1000 leaves" \
  ed58fe22105717ceedf760a43eedfb173a60c44ef40fd61b6cd86bd4ebb59b61 \
  "$(for i in $(seq 0 999); do printf '%08x\n' "$i"; done | "$evidex" merkle root)"
# The output is exactly the hex and one newline.
expect_out "root output bytes" 65 "$(printf '\n' | "$evidex" merkle root | wc -c | tr -d ' ')"

err="$(printf 'aa\nzz\n' | "$evidex" merkle root 2>&1 >/dev/null)"
expect_code "root of bad hex" 2 "$(printf 'aa\nzz\n' | "$evidex" merkle root >/dev/null 2>&1; echo $?)"
expect_out "root of bad hex, message" \
  'evidex merkle root: line 2: invalid hex digit `z` at offset 0' "$err"

# --- inclusion, verify-inclusion ---
proof="$(printf "$rfc_leaves" | "$evidex" merkle inclusion 5)"
expect_out "inclusion 5 of 8" \
  '{"tree_size":8,"leaf_index":5,"root":"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328","leaf_hash":"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658","proof":["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b","ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0","d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]}' \
  "$proof"
expect_code "inclusion piped into verify-inclusion" 0 \
  "$(printf "$rfc_leaves" | "$evidex" merkle inclusion 5 | "$evidex" merkle verify-inclusion; echo $?)"
expect_code "tampered inclusion proof" 1 \
  "$(printf '%s' "${proof/bc1a0643/bc1a0644}" | "$evidex" merkle verify-inclusion 2>/dev/null; echo $?)"
expect_code "malformed inclusion proof" 2 \
  "$(printf '%s' "${proof/\"root\"/\"rot\"}" | "$evidex" merkle verify-inclusion 2>/dev/null; echo $?)"
expect_code "inclusion index out of range" 2 \
  "$(printf "$rfc_leaves" | "$evidex" merkle inclusion 8 >/dev/null 2>&1; echo $?)"
expect_code "inclusion index not a number" 2 \
  "$(printf "$rfc_leaves" | "$evidex" merkle inclusion x >/dev/null 2>&1; echo $?)"
expect_code "inclusion without an index" 2 \
  "$(printf "$rfc_leaves" | "$evidex" merkle inclusion >/dev/null 2>&1; echo $?)"

# --- consistency, verify-consistency ---
expect_out "consistency 0 of 2" \
  "{\"old_size\":0,\"new_size\":2,\"old_root\":\"$empty_root\",\"new_root\":\"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125\",\"proof\":[]}" \
  "$(printf '\n00\n' | "$evidex" merkle consistency 0)"
for old_size in 0 1 3 4 7 8; do
  expect_code "consistency $old_size to 8 piped into verify-consistency" 0 \
    "$(printf "$rfc_leaves" | "$evidex" merkle consistency "$old_size" |
       "$evidex" merkle verify-consistency; echo $?)"
done
proof="$(printf "$rfc_leaves" | "$evidex" merkle consistency 3)"
expect_code "consistency proof with another old size" 1 \
  "$(printf '%s' "${proof/\"old_size\":3/\"old_size\":2}" | "$evidex" merkle verify-consistency 2>/dev/null; echo $?)"
expect_code "consistency old size above the tree" 2 \
  "$(printf "$rfc_leaves" | "$evidex" merkle consistency 9 >/dev/null 2>&1; echo $?)"
expect_code "verify-consistency of an inclusion proof" 2 \
  "$(printf "$rfc_leaves" | "$evidex" merkle inclusion 0 | "$evidex" merkle verify-consistency 2>/dev/null; echo $?)"

if (( failures > 0 )); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all merkle CLI checks passed"
