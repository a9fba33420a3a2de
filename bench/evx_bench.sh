#!/usr/bin/env bash
# Evidence package throughput and memory: `evidex pack` and `evidex verify` of one large file, each
# timed side by side with `openssl dgst -sha256` of the same file in the same run, median of N runs,
# and the peak resident memory of each (GNU time's "Maximum resident set size"). `verify --key` is
# the full check (every chunk decrypted, every item's SHA-256); `verify` without the key checks the
# signature, structure and every chunk's header and MAC against the signed chunk table.
#
# Usage: bench/evx_bench.sh PATH/TO/evidex [SIZE_MIB (default 2048)] [RUNS (default 3)] [DIR]
# DIR (default: a new directory under /tmp) must have room for twice the size. The files are
# deleted at the end. Prints one line per measurement and a table of medians and ratios.
set -euo pipefail

evidex="$(realpath "$1")"
size_mib="${2:-2048}"
runs="${3:-3}"
dir="$(mktemp -d "${4:-/tmp}/evx_bench.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
cd "$dir"

need=$((size_mib * 2 + 64))
avail=$(df -m --output=avail . | tail -1 | tr -d ' ')
if ((avail < need)); then
  echo "need ${need} MiB free in $dir, have ${avail}" >&2
  exit 2
fi

"$evidex" keygen provider.example --secret p.key --public p.pub >/dev/null
"$evidex" keygen authority.example --secret a.key --public a.pub >/dev/null
head -c $((size_mib << 20)) /dev/urandom >data.bin

# measure NAME COMMAND...: runs COMMAND under GNU time; prints "NAME seconds max_rss_kib".
measure() {
  local name="$1"
  shift
  /usr/bin/time -f "%e %M" -o time.txt "$@" >/dev/null
  echo "$name $(cat time.txt)"
}

# Warm the page cache so that every command reads from memory, as the others will.
cat data.bin >/dev/null
: >results.txt
for run in $(seq 1 "$runs"); do
  rm -f pkg.evx
  measure openssl openssl dgst -sha256 data.bin | tee -a results.txt
  measure pack "$evidex" pack --order case_bench --key p.key --to a.pub --category content \
    -o pkg.evx data.bin | tee -a results.txt
  # pack writes around the page cache (O_DIRECT); read the package into the cache once, as
  # data.bin is, so that verify and openssl both read from memory.
  cat pkg.evx >/dev/null
  measure verify "$evidex" verify pkg.evx --trust p.pub --key a.key | tee -a results.txt
  measure verify_keyless "$evidex" verify pkg.evx --trust p.pub | tee -a results.txt
  measure openssl_after openssl dgst -sha256 data.bin | tee -a results.txt
done

python3 - "$size_mib" <<'PY'
import statistics, sys
size_mib = int(sys.argv[1])
rows = {}
for line in open("results.txt"):
    name, seconds, rss = line.split()
    rows.setdefault(name, []).append((float(seconds), int(rss)))
def med(name):
    return statistics.median(s for s, _ in rows[name])
# The baseline of each run is the mean of the openssl runs before and after it.
base = statistics.median(
    (a[0] + b[0]) / 2 for a, b in zip(rows["openssl"], rows["openssl_after"]))
print(f"\n{size_mib} MiB, median of {len(rows['pack'])} runs")
print(f"{'command':<24}{'seconds':>9}{'ratio':>8}{'peak RSS MiB':>14}")
print(f"{'openssl dgst -sha256':<24}{base:>9.2f}{1:>8.2f}"
      f"{max(r for _, r in rows['openssl']) / 1024:>14.1f}")
labels = {"pack": "evidex pack", "verify": "evidex verify --key",
          "verify_keyless": "evidex verify"}
for name in ("pack", "verify", "verify_keyless"):
    m = med(name)
    rss = max(r for _, r in rows[name]) / 1024
    print(f"{labels[name]:<24}{m:>9.2f}{m / base:>8.2f}{rss:>14.1f}")
PY
