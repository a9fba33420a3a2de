#!/usr/bin/env bash
# The node's memory while a large evidence package goes up and comes down through the API: starts
# a sandbox node (`evidex serve --sandbox`), registers the provider's and the authority's package
# keys, packs one file of SIZE_MIB random bytes with `evidex pack`, uploads the package with curl
# (streamed from disk) and again with `evidex upload`, downloads it whole with curl (streamed into
# sha256sum, not kept), with `evidex download` (into a file, checked) and with curl into a file
# made durable, and reports the node's peak resident memory (VmHWM of /proc/PID/status), the
# client's, and the time of each step.
#
# Usage: bench/package_api_bench.sh PATH/TO/evidex (a Release build) [SIZE_MIB (default 4096)] [DIR]
# DIR (default: a new directory under /tmp) must have room for three times the size (the package
# and the node's two copies, then the two copies and a download). Everything is deleted at the end.
set -euo pipefail

evidex="$(realpath "$1")"
size_mib="${2:-4096}"
dir="$(mktemp -d "${3:-/tmp}/package_api_bench.XXXXXX")"
node_pid=""
cleanup() {
  if [[ -n "$node_pid" ]]; then kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir"

need=$((size_mib * 3 + 256))
avail=$(df -m --output=avail . | tail -1 | tr -d ' ')
if ((avail < need)); then
  echo "need ${need} MiB free in $dir, have ${avail}" >&2
  exit 2
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir data
printf '[limits]\nmax_package_bytes = %d\n' $(((size_mib + 1024) << 20)) >node.toml
"$evidex" serve --sandbox --data data --listen "127.0.0.1:$port" --config node.toml \
  >/dev/null 2>node.log &
node_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  curl -sf "$base/healthz" >/dev/null && break
  sleep 0.1
done

# Two administrators (there is no API for people yet) register the public keys made offline.
"$evidex" keygen nimbus.example --secret p.key --public p.pub >/dev/null
"$evidex" keygen tj-paris.example --secret a.key --public a.pub >/dev/null
read -r judge nimbus admin_nimbus admin_judge < <(python3 - data <<'PY'
import hashlib, json, sqlite3, sys
data = sys.argv[1]
people = {p["organisation_id"]: p["token"] for p in json.load(open(f"{data}/sandbox.json"))["people"]}
db = sqlite3.connect(f"{data}/evidex.db", timeout=30)
admins = []
for org in ("org_ie_nimbus", "org_fr_instruction"):
    secret = f"evx_t_bench_admin_{org}"
    db.execute("INSERT INTO people VALUES (?, ?, 'Key Admin', ?, '[\"admin\"]', '', 0, 0)",
               (f"person_admin_{org}", org, f"keys@{org}.example"))
    db.execute("INSERT INTO api_tokens VALUES (?, ?, ?, ?, 0, ?, NULL)",
               (f"tok_admin_{org}", f"person_admin_{org}", hashlib.sha256(secret.encode()).hexdigest(),
                json.dumps(["read", "write", "admin"]), 4102444800000))
    admins.append(secret)
db.commit()
print(people["org_fr_instruction"], people["org_ie_nimbus"], *admins)
PY
)
register() {  # TOKEN ORG PUBLIC_FILE USE
  python3 -c 'import json, sys; k = next(k for k in json.load(open(sys.argv[1]))["keys"] if k["use"] == sys.argv[2]); print(json.dumps({"use": k["use"], "name": k["name"], "public_key": k["public_key"]}))' "$3" "$4" |
    curl -sf -X POST "$base/api/v1/organisations/$2/package-keys" -H "Authorization: Bearer $1" \
      -H "Idempotency-Key: bench-$2-$4" -H "Content-Type: application/json" --data-binary @- >/dev/null
}
register "$admin_nimbus" org_ie_nimbus p.pub sign
register "$admin_judge" org_fr_instruction a.pub encrypt

# A European Production Order, issued and received.
case_id=$(python3 - "$evidex" <<'PY'
import sys
sys.path.insert(0, sys.argv[1].rsplit("/build/", 1)[0] + "/src/node")
sys.dont_write_bytecode = True
import json
from e2e_common import epoc, ie_query
print(json.dumps({"procedure": "eu2023-1543.epoc", "addressee_organisation_id": "org_ie_nimbus",
                  "query": ie_query(), "order": epoc()}))
PY
)
case_id=$(curl -sf -X POST "$base/api/v1/cases" -H "Authorization: Bearer $judge" \
  -H "Idempotency-Key: bench-case" -H "Content-Type: application/json" --data-binary "$case_id" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
curl -sf -X POST "$base/api/v1/cases/$case_id/actions/issue" -H "Authorization: Bearer $judge" >/dev/null
curl -sf -X POST "$base/api/v1/cases/$case_id/actions/receive" -H "Authorization: Bearer $nimbus" >/dev/null

seconds() { python3 -c 'import time; print(time.monotonic())'; }
head -c $((size_mib << 20)) /dev/urandom >data.bin
t0=$(seconds)
"$evidex" pack --order "$case_id" --key p.key --to a.pub --category content -o pkg.evx data.bin >/dev/null
t1=$(seconds)
rm data.bin
package_bytes=$(stat -c %s pkg.evx)
rss_before=$(awk '/VmHWM/ { print $2 }' "/proc/$node_pid/status")
t2=$(seconds)
curl -sf -X POST "$base/api/v1/cases/$case_id/packages" -H "Authorization: Bearer $nimbus" \
  -H "Idempotency-Key: bench-upload" -H "Content-Type: application/octet-stream" \
  -H "Expect:" -T pkg.evx -o upload.json
t3=$(seconds)
# The same upload with the client verb: a second package of the case.
/usr/bin/time -f %M -o cli_up.rss "$evidex" upload "$case_id" pkg.evx --node "$base" \
  --token "$nimbus" --idempotency-key bench-upload-cli >/dev/null
t3b=$(seconds)
rm pkg.evx
package_id=$(python3 -c 'import json; print(json.load(open("upload.json"))["id"])')
downloaded_sha=$(curl -sf "$base/api/v1/cases/$case_id/packages/$package_id" \
  -H "Authorization: Bearer $judge" | sha256sum | cut -d' ' -f1)
t4=$(seconds)
stored_sha=$(sha256sum "data/packages/$package_id.evx" | cut -d' ' -f1)
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$node_pid/status")
if [[ "$downloaded_sha" != "$stored_sha" ]]; then
  echo "the download differs from the stored package" >&2
  exit 1
fi
# The same download with the client verb: into a file, then checked whole before it is named.
# Each of the two downloads into a file starts once earlier writes are on disk.
sync
t4s=$(seconds)
/usr/bin/time -f %M -o cli.rss "$evidex" download "$case_id" "$package_id" -o cli.evx \
  --node "$base" --token "$judge" >/dev/null
t5=$(seconds)
if [[ "$(sha256sum cli.evx | cut -d' ' -f1)" != "$stored_sha" ]]; then
  echo "evidex download differs from the stored package" >&2
  exit 1
fi
rm cli.evx
# What it compares with: curl into a file, made durable (sync FILE calls fsync).
sync
t5s=$(seconds)
curl -sf "$base/api/v1/cases/$case_id/packages/$package_id" -H "Authorization: Bearer $judge" \
  -o curl.evx
sync curl.evx
t6=$(seconds)
rm curl.evx

python3 - "$size_mib" "$package_bytes" "$t0" "$t1" "$t2" "$t3" "$t4" "$rss_before" "$rss" \
  "$t5" "$(cat cli.rss)" "$t6" "$t3b" "$(cat cli_up.rss)" "$t4s" "$t5s" <<'PY'
import sys
size_mib, package_bytes = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2, t3, t4 = map(float, sys.argv[3:8])
rss_before, rss = int(sys.argv[8]), int(sys.argv[9])
t5, cli_rss, t6 = float(sys.argv[10]), int(sys.argv[11]), float(sys.argv[12])
t3b, cli_up_rss = float(sys.argv[13]), int(sys.argv[14])
t4s, t5s = float(sys.argv[15]), float(sys.argv[16])
mib = package_bytes / (1 << 20)
print(f"file {size_mib} MiB, package {mib:.0f} MiB")
print(f"pack      {t1 - t0:7.1f} s")
print(f"upload    {t3 - t2:7.1f} s  {mib / (t3 - t2):7.0f} MiB/s (received, verified, logged, proof attached)")
print(f"evidex upload {t3b - t3:7.1f} s  {mib / (t3b - t3):7.0f} MiB/s, peak RSS {cli_up_rss / 1024:.1f} MiB; "
      f"{(t3b - t3) / (t3 - t2):.2f}x curl")
print(f"download  {t4 - t3b:7.1f} s  {mib / (t4 - t3b):7.0f} MiB/s")
print(f"evidex download {t5 - t4s:7.1f} s  {mib / (t5 - t4s):7.0f} MiB/s (written, checked, renamed), "
      f"peak RSS {cli_rss / 1024:.1f} MiB")
print(f"curl -o FILE, sync {t6 - t5s:7.1f} s  {mib / (t6 - t5s):7.0f} MiB/s; evidex download takes "
      f"{(t5 - t4s) / (t6 - t5s):.2f}x")
print(f"node peak RSS (VmHWM): {rss / 1024:.1f} MiB (before the upload: {rss_before / 1024:.1f} MiB)")
PY
