#!/usr/bin/env bash
# Load benchmark of AspireCache against golang/groupcache and an ASP.NET Core floor, all on loopback.
# Usage: bash bench/load/run.sh [--smoke] [--memory-only] [--out FILE]   (see bench/load/README.md)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/bench/load
SMOKE=0
MEMORY_ONLY=0
OUT=$HERE/results.md
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) SMOKE=1 ;;
    --memory-only) MEMORY_ONLY=1 ;;
    --out) OUT=$2; shift ;;
    *) echo "usage: $0 [--smoke] [--memory-only] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done

if [ $SMOKE = 1 ]; then
  ROUNDS=1 DURATION=1 WARMUP=1 DISTINCT_KEYS=3000 ZIPF_KEYS=1000 MEM_KEYS=3000
else
  ROUNDS=3 DURATION=7 WARMUP=1 DISTINCT_KEYS=50000 ZIPF_KEYS=10000 MEM_KEYS=100000
fi
# The build measured: Release. The smoke test (LoadBenchmarkSmokeTests), which proves that every scenario runs
# on every system and not how fast, sets LOAD_BENCH_CONFIGURATION=Debug and so reuses what the test run built.
CONFIGURATION=${LOAD_BENCH_CONFIGURATION:-Release}
DELAY_MS=20          # the source's delay for each load, in both systems
MEM_DELAY_MS=1       # the memory scenario only fills the caches; a short delay fills them sooner
CONNS=16
SERVER_CORES=0       # every server process of every system
LOAD_CORES=1         # every wrk
if [ "$(nproc)" -lt 2 ]; then LOAD_CORES=0; fi

for tool in wrk go taskset curl; do
  command -v $tool >/dev/null || { echo "run.sh: '$tool' is missing (see bench/load/README.md)" >&2; exit 3; }
done
GROUPCACHE_SRC=/usr/share/gocode/src/github.com/golang/groupcache
[ -d $GROUPCACHE_SRC ] || { echo "run.sh: groupcache sources missing at $GROUPCACHE_SRC (apt-get install golang-github-golang-groupcache-dev)" >&2; exit 3; }

# Settings inherited from a caller's shell would change what is measured.
unset OTEL_EXPORTER_OTLP_ENDPOINT ASPNETCORE_URLS DOTNET_gcServer DOTNET_gcConcurrent DOTNET_GCDynamicAdaptationMode DOTNET_GCConserveMemory DOTNET_GCgen0MaxBudget || true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

STARTED_AT=$(date +%s)
# Other work on the machine shares the cores; the load averages go into results.md to show it.
LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)
WORK=$(mktemp -d /tmp/aspirecache-load.XXXXXX)
declare -A PID_OF=()
FAILED=1

cleanup() {
  local pids=("${PID_OF[@]}")
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      local alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break
      sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  if [ $FAILED = 1 ]; then
    echo "run.sh: failed; logs kept in $WORK" >&2
    for log in "$WORK"/*.log; do [ -s "$log" ] && { echo "== $log" >&2; tail -n 15 "$log" >&2; }; done
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# start NAME CORES CMD...: runs CMD in the background (pinned unless CORES is "all"), logging to WORK.
start() {
  local name=$1 cores=$2; shift 2
  if [ "$cores" = all ]; then
    "$@" >"$WORK/$name.log" 2>&1 &
  else
    taskset -c "$cores" "$@" >"$WORK/$name.log" 2>&1 &
  fi
  PID_OF[$name]=$!
}

# stop NAME...: stops only processes this script started, by their saved PIDs.
stop() {
  local pids=()
  for name in "$@"; do pids+=("${PID_OF[$name]}"); unset "PID_OF[$name]"; done
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

# Below the kernel's ephemeral range (32768+), where outgoing connections could hold a port.
NEXT_PORT=$((12000 + RANDOM % 18000))
# alloc_port VAR: the next loopback port nobody listens on.
alloc_port() {
  while (echo >/dev/tcp/127.0.0.1/$NEXT_PORT) 2>/dev/null; do NEXT_PORT=$((NEXT_PORT + 1)); done
  printf -v "$1" '%s' $NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
}

# wait_ready NAME URL: until URL answers 200, for at most 90 s, while the process lives.
wait_ready() {
  local name=$1 url=$2
  for _ in $(seq 180); do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    kill -0 "${PID_OF[$name]}" 2>/dev/null || { echo "run.sh: $name exited" >&2; return 1; }
    sleep 0.5
  done
  echo "run.sh: $name not ready at $url after 90 s" >&2
  return 1
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/${PID_OF[$1]}/status"; }

# ---------------------------------------------------------------------------------------------- build
log "building ($CONFIGURATION)"
for project in CacheNode DemoBackend bench/load/Floor; do
  # A Debug build that the test run made already is used as it is: an up-to-date check of three projects costs a minute.
  dll=$ROOT/$project/bin/$CONFIGURATION/net10.0/$(basename "$project").dll
  if [ "$CONFIGURATION" = Release ] || [ ! -f "$dll" ]; then
    dotnet build "$ROOT/$project" -c "$CONFIGURATION" -nologo -v q >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
  fi
done
mkdir -p "$WORK/gopath"
for program in groupcache loadtool; do
  (cd "$HERE/$program" && GO111MODULE=off GOPATH="$WORK/gopath:/usr/share/gocode" go build -o "$WORK/$program" .)
done
LOADTOOL=$WORK/loadtool
NODE_DLL=$ROOT/CacheNode/bin/$CONFIGURATION/net10.0/CacheNode.dll
BACKEND_DLL=$ROOT/DemoBackend/bin/$CONFIGURATION/net10.0/DemoBackend.dll
FLOOR_DLL=$ROOT/bench/load/Floor/bin/$CONFIGURATION/net10.0/Floor.dll
SECRET=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
KEY_HASH_SECRET=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
DOTNET_ENV=(ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning)

# start_aspire PREFIX CORES DELAY_MS [NAME=VALUE...]: DemoBackend and three nodes configured as the
# README's "Running without Aspire"; the extra variables go to the nodes. Sets ASPIRE_URL[0..2].
start_aspire() {
  local prefix=$1 cores=$2 delay_ms=$3; shift 3
  local backend_port p0 p1 p2
  alloc_port backend_port; alloc_port p0; alloc_port p1; alloc_port p2
  local ports=($p0 $p1 $p2)
  start "$prefix-backend" "$cores" env "${DOTNET_ENV[@]}" ASPNETCORE_URLS=http://127.0.0.1:$backend_port \
    DemoBackend__Delay=$(printf '00:00:00.%03d' "$delay_ms") dotnet "$BACKEND_DLL"
  ASPIRE_URL=()
  for i in 0 1 2; do
    start "$prefix-$i" "$cores" env "${DOTNET_ENV[@]}" ASPNETCORE_URLS=http://127.0.0.1:${ports[$i]} \
      Cache__NodeName=cache-$i Cache__Members__0=cache-0 Cache__Members__1=cache-1 Cache__Members__2=cache-2 \
      services__cache-0__http__0=http://127.0.0.1:$p0 services__cache-1__http__0=http://127.0.0.1:$p1 \
      services__cache-2__http__0=http://127.0.0.1:$p2 services__demobackend__http__0=http://127.0.0.1:$backend_port \
      Cache__Groups__demo__SourceService=demobackend Cache__PeerSecret=$SECRET Cache__KeyHashSecret=$KEY_HASH_SECRET "$@" dotnet "$NODE_DLL"
    ASPIRE_URL[$i]=http://127.0.0.1:${ports[$i]}
  done
  wait_ready "$prefix-backend" http://127.0.0.1:$backend_port/alive
  for i in 0 1 2; do wait_ready "$prefix-$i" "${ASPIRE_URL[$i]}/health"; done
}

# start_groupcache PREFIX CORES DELAY_MS: three groupcache nodes. Sets GC_URL[0..2].
start_groupcache() {
  local prefix=$1 cores=$2 delay_ms=$3 p0 p1 p2
  alloc_port p0; alloc_port p1; alloc_port p2
  local ports=($p0 $p1 $p2)
  local members="gc-0=http://127.0.0.1:$p0,gc-1=http://127.0.0.1:$p1,gc-2=http://127.0.0.1:$p2"
  GC_URL=()
  for i in 0 1 2; do
    start "$prefix-$i" "$cores" "$WORK/groupcache" -self gc-$i -peers "$members" -listen 127.0.0.1:${ports[$i]} \
      -delay ${delay_ms}ms -value-bytes 1024 -cache-bytes $((64 << 20))
    GC_URL[$i]=http://127.0.0.1:${ports[$i]}
  done
  for i in 0 1 2; do wait_ready "$prefix-$i" "${GC_URL[$i]}/alive"; done
}

# start_floor NAME CORES MODE [NAME=VALUE...]: the floor endpoint. Sets FLOOR_URL.
start_floor() {
  local name=$1 cores=$2 mode=$3 port; shift 3
  alloc_port port
  start "$name" "$cores" env "${DOTNET_ENV[@]}" ASPNETCORE_URLS=http://127.0.0.1:$port Floor__Mode=$mode "$@" dotnet "$FLOOR_DLL"
  FLOOR_URL=http://127.0.0.1:$port
  wait_ready "$name" "$FLOOR_URL/alive"
}

# wrk_run SECONDS CONNS URL [NAME=VALUE...]: one bounded wrk run on the load cores; prints
# "req/s p50_us p99_us errors requests".
wrk_run() {
  local seconds=$1 conns=$2 url=$3; shift 3
  local output
  output=$(env "$@" taskset -c $LOAD_CORES timeout $((seconds + 30)) \
    wrk -t1 -c"$conns" -d"${seconds}s" --timeout 5s -s "$HERE/keys.lua" "$url" 2>&1) || { echo "$output" >&2; return 1; }
  # A script error leaves wrk running without it; no RESULT line means the run is worthless.
  grep -q '^RESULT' <<<"$output" || { echo "run.sh: wrk gave no result for $url: $output" >&2; return 1; }
  echo "$output" | awk '/^RESULT/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%.1f %d %d %d %d\n", v["requests"] / (v["duration_us"] / 1e6), v["p50_us"], v["p99_us"], v["errors"], v["requests"] }'
}

RAW=$WORK/raw.tsv
MEM=$WORK/mem.tsv
META=$WORK/meta.txt
: >"$RAW"; : >"$MEM"; : >"$META"
meta() { echo "$1=$2" >>"$META"; }

# record ROUND SCENARIO SYSTEM "req/s p50 p99 errors requests"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" | tr ' ' '\t' >>"$RAW"; log "  r$1 $2 $3: $4"; }

# measure ROUND SCENARIO SYSTEM URL [NAME=VALUE...]: a short unrecorded warm-up, then the measured run.
measure() {
  local round=$1 scenario=$2 system=$3 url=$4; shift 4
  local result
  wrk_run $WARMUP $CONNS "$url" "$@" >/dev/null
  result=$(wrk_run $DURATION $CONNS "$url" "$@")
  record "$round" "$scenario" "$system" "$result"
}

# ------------------------------------------------------------------------------------ throughput
if [ $MEMORY_ONLY = 0 ]; then
log "starting AspireCache, groupcache and the two floors on core(s) $SERVER_CORES"
start_aspire aspire $SERVER_CORES $DELAY_MS
start_groupcache gc $SERVER_CORES $DELAY_MS
start_floor floor-defaults $SERVER_CORES defaults
FLOOR_DEFAULTS_URL=$FLOOR_URL
start_floor floor-bare $SERVER_CORES bare
FLOOR_BARE_URL=$FLOOR_URL

declare -A URL0 URL1 NODE0 NODE1 HOT_KEY WALK_START
URL0[aspire]=${ASPIRE_URL[0]} URL1[aspire]=${ASPIRE_URL[1]} NODE0[aspire]=cache-0 NODE1[aspire]=cache-1
URL0[groupcache]=${GC_URL[0]} URL1[groupcache]=${GC_URL[1]} NODE0[groupcache]=gc-0 NODE1[groupcache]=gc-1
declare -A URLS
URLS[aspire]="${ASPIRE_URL[*]}"
URLS[groupcache]="${GC_URL[*]}"

# Key sets, warmed through node 0 so that each value sits at its owner. The walk runs at node 1,
# which has never asked for these keys, over the ones it does not own.
for system in aspire groupcache; do
  log "warming $DISTINCT_KEYS + $ZIPF_KEYS keys in $system"
  $LOADTOOL warm -url "${URL0[$system]}/cache/demo/" -prefix d- -n $DISTINCT_KEYS -c 64 -out "$WORK/$system-d.tsv"
  $LOADTOOL warm -url "${URL0[$system]}/cache/demo/" -prefix z- -n $ZIPF_KEYS -c 64 -out "$WORK/$system-z.tsv"
  awk -v n="${NODE1[$system]}" '$2 != n { print $1 }' "$WORK/$system-d.tsv" >"$WORK/$system-walk.txt"
  cut -f1 "$WORK/$system-z.tsv" >"$WORK/$system-zipf.txt"
  HOT_KEY[$system]=$(awk -v n="${NODE0[$system]}" '$2 == n { print $1; exit }' "$WORK/$system-z.tsv")
  WALK_START[$system]=1
  meta "walk_keys_$system" "$(wc -l <"$WORK/$system-walk.txt")"
  meta "hot_key_$system" "${HOT_KEY[$system]}"
done

# header URL NAME: one response header's value.
header() { curl -fsS --max-time 5 -o /dev/null -D - "$1" | tr -d '\r' | awk -v h="$2" 'tolower($1) == tolower(h) ":" { print $2 }'; }

for round in $(seq $ROUNDS); do
  log "round $round of $ROUNDS"
  # Systems take turns going first, so that neither always follows the other.
  if [ $((round % 2)) = 1 ]; then systems="aspire groupcache"; else systems="groupcache aspire"; fi

  for system in $systems; do
    measure $round owner-hit $system "${URL0[$system]}/cache/demo/${HOT_KEY[$system]}"
  done
  measure $round owner-hit floor "$FLOOR_DEFAULTS_URL/cache/demo/${HOT_KEY[aspire]}"
  measure $round owner-hit floor-bare "$FLOOR_BARE_URL/cache/demo/${HOT_KEY[aspire]}"

  for system in $systems; do
    measure $round hot-nonowner $system "${URL1[$system]}/cache/demo/${HOT_KEY[$system]}"
  done
  meta "hot_result_after_round_$round" "$(header "${URL1[aspire]}/cache/demo/${HOT_KEY[aspire]}" X-Cache-Result)"

  for system in $systems; do
    wrk_run $WARMUP $CONNS "${URL1[$system]}/" BENCH_MODE=walk BENCH_KEYS="$WORK/$system-walk.txt" BENCH_START=${WALK_START[$system]} >"$WORK/walk.out"
    WALK_START[$system]=$((WALK_START[$system] + $(awk '{ print $5 }' "$WORK/walk.out") + CONNS))
    result=$(wrk_run $DURATION $CONNS "${URL1[$system]}/" BENCH_MODE=walk BENCH_KEYS="$WORK/$system-walk.txt" BENCH_START=${WALK_START[$system]})
    WALK_START[$system]=$((WALK_START[$system] + $(echo "$result" | awk '{ print $5 }') + CONNS))
    record $round distinct-nonowner $system "$result"
  done

  for system in $systems; do
    measure $round zipf-one $system "${URL0[$system]}/" BENCH_MODE=zipf BENCH_KEYS="$WORK/$system-zipf.txt"
  done

  # wrk sends to one host, so the spread is three wrk processes at once, one per node, with 5, 6
  # and 5 connections (16 in all), all on the load cores. Rates add up; the worst p50 and p99 count.
  for system in $systems; do
    read -r -a urls <<<"${URLS[$system]}"
    conns=(5 6 5)
    # A bare `wait` would also wait for the servers; only these wrk jobs are awaited.
    jobs_=()
    for i in 0 1 2; do
      wrk_run $WARMUP ${conns[$i]} "${urls[$i]}/" BENCH_MODE=zipf BENCH_KEYS="$WORK/$system-zipf.txt" >/dev/null &
      jobs_+=($!)
    done
    for job in "${jobs_[@]}"; do wait "$job"; done
    jobs_=()
    for i in 0 1 2; do
      wrk_run $DURATION ${conns[$i]} "${urls[$i]}/" BENCH_MODE=zipf BENCH_KEYS="$WORK/$system-zipf.txt" >"$WORK/spread-$i.out" &
      jobs_+=($!)
    done
    for job in "${jobs_[@]}"; do wait "$job"; done
    record $round zipf-spread $system "$(cat "$WORK"/spread-?.out | awk '
      { r += $1; if ($2 > p50) p50 = $2; if ($3 > p99) p99 = $3; e += $4; n += $5 }
      END { printf "%.1f %d %d %d %d\n", r, p50, p99, e, n }')"
  done

  for system in $systems; do
    measure $round cold-miss $system "${URL0[$system]}/" BENCH_MODE=unique BENCH_PREFIX="cold-r$round-$RANDOM$RANDOM-"
  done
done

stop aspire-backend aspire-0 aspire-1 aspire-2 gc-0 gc-1 gc-2 floor-defaults floor-bare
fi

# ---------------------------------------------------------------------------------------- memory
# Unpinned: a process pinned to one core gets at most one GC heap, and the choice of GC is the point.
# as-built is whatever CacheNode.csproj (and the runtime's defaults) chose; the others override it.
# MEMORY_GC_CONFIGS="as-built workstation" picks some of them.
read -r -a GC_CONFIGS <<<"${MEMORY_GC_CONFIGS:-as-built server-datas-gen0 server-classic workstation workstation-gen0}"
declare -A GC_ENV=(
  [as-built]=""
  [server-datas]="DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=1"
  [server-datas-gen0]="DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=1 DOTNET_GCgen0MaxBudget=0x400000"
  [server-classic]="DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=0"
  [workstation]="DOTNET_gcServer=0"
  [workstation-gen0]="DOTNET_gcServer=0 DOTNET_gcConcurrent=0 DOTNET_GCgen0MaxBudget=0x400000"
)
# mem_row CONFIG ROLE ENTRIES BYTES RSS_KB [HEAP<TAB>COMMITTED]
mem_row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${6:-0	0}" >>"$MEM"; }
# gc_heap URL: the managed heap after the last GC (all generations) and the GC's committed bytes, from
# the runtime's metrics, to tell what in the RSS is the heap and what is not.
gc_heap() {
  curl -fsS --max-time 10 "$1/metrics" | awk '
    /^dotnet_gc_last_collection_heap_size_bytes/ { h += $NF }
    /^dotnet_gc_last_collection_memory_committed_size_bytes/ { c = $NF }
    END { printf "%d\t%d", h, c }'
}
for config in "${GC_CONFIGS[@]}"; do
  log "memory: $config, $MEM_KEYS keys through node 0"
  read -r -a gc_env <<<"${GC_ENV[$config]}"
  # The floor gets the nodes' load (the same keys, the same loader) and the same pause before reading.
  start_floor mem-floor all defaults "${gc_env[@]}"
  $LOADTOOL warm -url "$FLOOR_URL/cache/demo/" -prefix m- -n $MEM_KEYS -c 32
  sleep 2
  mem_row "$config" floor 0 0 "$(rss_kb mem-floor)" "$(gc_heap "$FLOOR_URL")"
  stop mem-floor
  start_aspire mem all $MEM_DELAY_MS "${gc_env[@]}"
  $LOADTOOL warm -url "${ASPIRE_URL[0]}/cache/demo/" -prefix m- -n $MEM_KEYS -c 32
  sleep 2
  for i in 0 1 2; do
    read -r entries bytes < <($LOADTOOL stat -url "${ASPIRE_URL[$i]}/cluster")
    mem_row "$config" node-$i "$entries" "$bytes" "$(rss_kb mem-$i)" "$(gc_heap "${ASPIRE_URL[$i]}")"
  done
  stop mem-backend mem-0 mem-1 mem-2
done
log "memory: groupcache, $MEM_KEYS keys through node 0"
start_groupcache mem-gc all $MEM_DELAY_MS
for i in 0 1 2; do mem_row groupcache idle-$i 0 0 "$(rss_kb mem-gc-$i)"; done
$LOADTOOL warm -url "${GC_URL[0]}/cache/demo/" -prefix m- -n $MEM_KEYS -c 32
sleep 2
for i in 0 1 2; do
  read -r entries bytes < <($LOADTOOL stat -url "${GC_URL[$i]}/cluster")
  mem_row groupcache node-$i "$entries" "$bytes" "$(rss_kb mem-gc-$i)"
done
stop mem-gc-0 mem-gc-1 mem-gc-2

# ---------------------------------------------------------------------------------------- report
as_built=$(grep -o '"System.GC[A-Za-z.]*": *[a-z0-9]*' "$ROOT/CacheNode/bin/$CONFIGURATION/net10.0/CacheNode.runtimeconfig.json" | tr -d ' "' | paste -sd ' ' || true)
meta mode "$([ $SMOKE = 1 ] && echo smoke || echo full)"
meta configuration "$CONFIGURATION"
meta rounds $ROUNDS
meta duration_s $DURATION
meta warmup_s $WARMUP
meta connections $CONNS
meta delay_ms $DELAY_MS
meta mem_delay_ms $MEM_DELAY_MS
meta server_cores $SERVER_CORES
meta load_cores $LOAD_CORES
meta distinct_keys $DISTINCT_KEYS
meta zipf_keys $ZIPF_KEYS
meta mem_keys $MEM_KEYS
meta gc_as_built "${as_built:-runtime default (Server GC, DATAS)}"
meta date "$(date -u +%Y-%m-%dT%H:%MZ)"
meta commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
meta cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) × $(nproc)"
meta dotnet "$(dotnet --version)"
meta go "$(go version | awk '{ print $3 }')"
meta wrk "$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
meta wall_s $(($(date +%s) - STARTED_AT))
meta loadavg "$LOADAVG_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"

mkdir -p "$(dirname "$OUT")"
$LOADTOOL report -raw "$RAW" -mem "$MEM" -meta "$META" -out "$OUT"
# The raw measurements beside the report, so that it can be rebuilt or read differently later.
mkdir -p "${OUT%.md}.raw"
cp "$RAW" "$MEM" "$META" "${OUT%.md}.raw/"
cat "$OUT"
FAILED=0
