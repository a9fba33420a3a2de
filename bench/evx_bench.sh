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

# measure NAME COMMAND...: runs COMMAND under GNU time; prints
# "NAME elapsed_seconds max_rss_kib cpu_seconds" (cpu: user + system, all threads).
measure() {
  local name="$1"
  shift
  /usr/bin/time -f "%e %M %U %S" -o time.txt "$@" >/dev/null
  read -r elapsed rss user sys <time.txt
  echo "$name $elapsed $rss $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
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
    name, seconds, rss, cpu = line.split()
    rows.setdefault(name, []).append((float(seconds), int(rss), float(cpu)))
# The baseline of each run is the mean of the openssl runs just before and after it.
base = [(a[0] + b[0]) / 2 for a, b in zip(rows["openssl"], rows["openssl_after"])]
base_cpu = [(a[2] + b[2]) / 2 for a, b in zip(rows["openssl"], rows["openssl_after"])]
labels = {"pack": "evidex pack", "verify": "evidex verify --key",
          "verify_keyless": "evidex verify"}
print(f"\n{size_mib} MiB, medians of {len(base)} runs; ratio = elapsed / openssl's elapsed in the "
      "same run")
print(f"{'command':<22}{'elapsed s':>10}{'ratio':>7}{'cpu s':>7}{'cpu ratio':>10}{'peak RSS MiB':>13}")
print(f"{'openssl dgst -sha256':<22}{statistics.median(base):>10.2f}{1:>7.2f}"
      f"{statistics.median(base_cpu):>7.2f}{1:>10.2f}"
      f"{max(r for _, r, _ in rows['openssl']) / 1024:>13.1f}")
for name in ("pack", "verify", "verify_keyless"):
    runs = rows[name]
    elapsed = statistics.median(s for s, _, _ in runs)
    ratio = statistics.median(s / b for (s, _, _), b in zip(runs, base))
    cpu = statistics.median(c for _, _, c in runs)
    cpu_ratio = statistics.median(c / b for (_, _, c), b in zip(runs, base_cpu))
    rss = max(r for _, r, _ in runs) / 1024
    print(f"{labels[name]:<22}{elapsed:>10.2f}{ratio:>7.2f}{cpu:>7.2f}{cpu_ratio:>10.2f}{rss:>13.1f}")
PY
