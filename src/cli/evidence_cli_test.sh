#!/usr/bin/env bash
# End-to-end test of the evidence package commands through a shell: keygen, pack, verify, unpack,
# and the exit codes and one-line messages of corrupt, truncated, untrusted and misaddressed
# packages.
#
# Usage: evidence_cli_test.sh PATH/TO/evidex
set -u

evidex="$(realpath "$1")"
failures=0
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_code NAME WANT COMMAND...: runs COMMAND, checks its exit code; its standard error is kept
# in $dir/err.
expect_code() {
  local name="$1" want="$2"
  shift 2
  "$@" >out 2>err
  local got=$?
  if [[ "$got" != "$want" ]]; then fail "$name: exit code $got, want $want ($(cat err))"; fi
}

# expect_err NAME TEXT: the last command's standard error contains TEXT.
expect_err() {
  if ! grep -qF -- "$2" err; then fail "$1: standard error '$(cat err)' lacks '$2'"; fi
}

# flip FILE OFFSET: flips the lowest bit of the byte at OFFSET.
flip() {
  python3 - "$1" "$2" <<'PY'
import sys
path, offset = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(offset)
    b = f.read(1)[0]
    f.seek(offset)
    f.write(bytes([b ^ 1]))
PY
}

expect_code "keygen provider" 0 "$evidex" keygen provider.example --secret p.key --public p.pub
expect_code "keygen authority" 0 "$evidex" keygen authority.example --secret a.key --public a.pub
expect_code "keygen other" 0 "$evidex" keygen other.example --secret o.key --public o.pub
[[ "$(stat -c %a p.key)" == 600 ]] || fail "secret key file mode $(stat -c %a p.key), want 600"
grep -q secret_key p.pub && fail "public key file holds a secret key"
expect_code "keygen over an existing file" 2 "$evidex" keygen x --secret p.key --public x.pub
expect_err "keygen over an existing file" "exists already"

head -c 2500 /dev/urandom >data.bin
printf 'subscriber: alice\n' >subscriber.txt
: >empty.log
expect_code "pack" 0 "$evidex" pack --order case_0123 --key p.key --to a.pub --category content \
  --chunk-size 1024 --media-type application/octet-stream -o pkg.evx data.bin subscriber.txt empty.log
grep -q '"chunks":5' out || fail "pack summary: $(cat out)"
digest="$(sed 's/.*"package_sha256":"\([0-9a-f]*\)".*/\1/' out)"

expect_code "verify, trusted" 0 "$evidex" verify pkg.evx --trust p.pub
grep -q "^package $digest$" out || fail "verify names another package: $(head -1 out)"
grep -q "signature: valid, by \`provider.example\`.*, trusted$" out || fail "verify: $(cat out)"
expect_code "verify without trust" 0 "$evidex" verify pkg.evx
grep -q "NOT checked against a trust file" out || fail "verify without trust: $(cat out)"
expect_code "verify with the key" 0 "$evidex" verify pkg.evx --trust p.pub --key a.key
grep -q "decrypted and every sha-256 matches" out || fail "verify --key: $(cat out)"

expect_code "unpack" 0 "$evidex" unpack pkg.evx --key a.key --trust p.pub -o out.d
for f in data.bin subscriber.txt empty.log; do
  cmp -s "$f" "out.d/$f" || fail "unpack: out.d/$f differs from $f"
done
[[ "$(sha256sum <data.bin | cut -c1-64)" == "$(grep "item 0" out | sed 's/.*sha-256 //')" ]] ||
  fail "the manifest's sha-256 is not the standard sha-256 of the item"
expect_code "unpack again over the items" 2 "$evidex" unpack pkg.evx --key a.key -o out.d
expect_err "unpack again over the items" "exists already"

expect_code "untrusted signer" 1 "$evidex" verify pkg.evx --trust o.pub
expect_err "untrusted signer" "signature: the manifest is signed by \`provider.example\`"
expect_code "wrong recipient" 1 "$evidex" unpack pkg.evx --key o.key -o wrong.d
expect_err "wrong recipient" "recipient: the package is sealed to x25519 key"
[[ -z "$(ls wrong.d)" ]] || fail "a refused unpack wrote $(ls wrong.d)"

# The second chunk of data.bin: after the 152-byte header and the first frame (12 + 1024 + 17 bytes).
frame1=$((152 + 1053))
cp pkg.evx bad.evx
flip bad.evx $((frame1 + 1053 - 1))
expect_code "altered chunk MAC" 1 "$evidex" verify bad.evx --trust p.pub
expect_err "altered chunk MAC" \
  "item \`data.bin\` (0), chunk 1 of 3, offset $frame1: its header and MAC do not match its entry in the signed chunk table"
cp pkg.evx bad.evx
flip bad.evx $((frame1 + 40))
expect_code "altered ciphertext, verify --key" 1 "$evidex" verify bad.evx --trust p.pub --key a.key
expect_err "altered ciphertext, verify --key" \
  "item \`data.bin\` (0), chunk 1 of 3: does not decrypt (secretstream authentication failed)"
expect_code "altered ciphertext, unpack" 1 "$evidex" unpack bad.evx --key a.key -o bad.d
[[ -z "$(ls bad.d)" ]] || fail "a failed unpack left $(ls bad.d)"

cp pkg.evx bad.evx
flip bad.evx 20
expect_code "altered header" 1 "$evidex" verify bad.evx
expect_err "altered header" "header: its sha-256 does not match"

cp pkg.evx bad.evx
size=$(stat -c %s pkg.evx)
flip bad.evx $((size - 64 - 10))
expect_code "altered signature" 1 "$evidex" verify bad.evx
expect_err "altered signature" "signature: the manifest's ed25519 signature does not verify"

head -c $((size - 100)) pkg.evx >cut.evx
expect_code "truncated package" 1 "$evidex" verify cut.evx
expect_err "truncated package" "no footer magic at the end of the package (truncated"

expect_code "missing package" 2 "$evidex" verify nothing.evx
expect_err "missing package" "cannot open \`nothing.evx\`"
printf '{}' >bad.pub
expect_code "malformed trust file" 2 "$evidex" verify pkg.evx --trust bad.pub
expect_err "malformed trust file" "\`bad.pub\`: key file: must be an object"
chmod 644 a.key
expect_code "secret key readable by others" 2 "$evidex" unpack pkg.evx --key a.key -o x.d
expect_err "secret key readable by others" "chmod 600"
chmod 600 a.key
expect_code "pack with a bad category" 2 "$evidex" pack --order case_1 --key p.key --to a.pub \
  --category everything -o x.evx data.bin
expect_err "pack with a bad category" "\`items[0].data_category\` must be"
[[ -e x.evx || -e x.evx.partial ]] && fail "a refused pack left a file"
expect_code "pack to an existing file" 2 "$evidex" pack --order case_1 --key p.key --to a.pub \
  --category content -o pkg.evx data.bin
printf '{"leaf_index":1}' >proof.json
expect_code "malformed log proof" 2 "$evidex" attach-proof pkg.evx proof.json
expect_err "malformed log proof" 'log proof: `checkpoint` must be a string'

if [[ $failures -gt 0 ]]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "evidence CLI: all checks passed"
