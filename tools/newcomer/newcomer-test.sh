#!/usr/bin/env bash
# The newcomer test: does what the README's first screen tells a new user to do, on a fresh clone,
# and checks that it shows what the README promises (a moving hit ratio, a request that crosses
# nodes, the screenshots), then that stopping the AppHost leaves no process behind.
#
# Usage: newcomer-test.sh [--screenshots DIR] [--keep] [REPOSITORY]
#   REPOSITORY     what to clone (a path or URL); default: the repository holding this script.
#                  A clone has only what is committed, as a newcomer's would.
#   --screenshots  where the PNGs go (default: a temporary folder, removed at the end).
#   --keep         keep the clone, the logs and the temporary folder, for debugging.
#
# The commands come from the README, each from the first non-empty line of the fenced block that
# follows a marker comment, so that a README whose commands stop working fails this test:
#   <!-- newcomer: run -->         the AppHost (run in its own session, stopped at the end)
#   <!-- newcomer: start-load -->  starts the load generator
#   <!-- newcomer: cross-node -->  asks one node for a key another node owns
#   <!-- newcomer: stop-load -->   stops the load generator
# (<!-- newcomer: test --> is checked to exist; running the whole suite is CI's job, not this script's.)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repository=""
screenshots=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --screenshots) screenshots="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "newcomer-test: unknown option $1" >&2; exit 2 ;;
    *) repository="$1"; shift ;;
  esac
done
[ -n "$repository" ] || repository="$(git -C "$here" rev-parse --show-toplevel)"

# Bounds, in seconds. The total limit stops the AppHost, which makes every wait fail at once, so the
# script still cleans up and names the step; the run limit is a backstop should this script die.
TOTAL_LIMIT=${NEWCOMER_TOTAL_LIMIT:-540}
# How much of the hit ratio Prometheus must hold before its graph is shot: a minute makes the README's
# picture; the test run (NewcomerTests) asks for less, since it proves that the picture is taken, not how it looks.
HISTORY=${NEWCOMER_HISTORY:-60}
RUN_LIMIT=${NEWCOMER_RUN_LIMIT:-600}
START_TIMEOUT=${NEWCOMER_START_TIMEOUT:-240}
HEALTH_TIMEOUT=60
HIT_RATIO_TIMEOUT=120
SCREENSHOT_TIMEOUT=180
STOP_TIMEOUT=60

# A build inside the clone must leave no MSBuild node or compiler server behind.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER=1 UseSharedCompilation=false
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work="$(mktemp -d "${TMPDIR:-/tmp}/aspirecache-newcomer-XXXXXX")"
clone="$work/clone"
log="$work/apphost.log"
[ -n "$screenshots" ] || screenshots="$work/screenshots"
mkdir -p "$screenshots"
screenshots="$(cd "$screenshots" && pwd)"

step="starting"
session=""        # the session (and process group) the README's run command runs in
sessions=()       # every session whose processes this run started: ours and the orchestrator's
started=$(date +%s)

say() { printf '[newcomer %4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }
begin() { step="$1"; say "$1"; }

fail() {
  echo "newcomer-test: FAILED at step '$step': $*" >&2
  if [ -s "$log" ]; then
    echo "---- last 60 lines of the AppHost log ($log) ----" >&2
    tail -n 60 "$log" >&2
    echo "----" >&2
  fi
  exit 1
}

# Processes of the given sessions, and any whose command line names the clone, as "pid command".
our_processes() {
  local sids=" ${sessions[*]:-} "
  ps -eo pid=,sid=,args= | while read -r pid sid args; do
    [ "$sid" = "$own_session" ] && continue
    if [[ "$sids" == *" $sid "* ]] || [[ "$args" == *"$clone"* ]]; then
      printf '%s %s\n' "$pid" "${args:0:160}"
    fi
  done
}

# The orchestrator (DCP) detaches into sessions of its own, which the dashboard, Prometheus and the
# services run in: they are found from the AppHost's process id, which DCP is told to monitor. Only
# DCP's own processes name sessions, and never this script's own session (whose shell may be a
# terminal, or the test that started it).
own_session=$(ps -o sid= -p $$ | tr -d ' ')
find_sessions() {
  [ -n "$session" ] || return 0
  local apphost dcp_kubeconfig sid
  sessions=("$session")
  for apphost in $(ps -eo pid=,sid= | awk -v s="$session" '$2 == s { print $1 }'); do
    dcp_kubeconfig=$(ps -eo args= | awk -v p="$apphost" '$1 ~ /\/dcp$/ && $2 == "start-apiserver" && index($0, "--monitor " p " ") { for (i = 1; i < NF; i++) if ($i == "--kubeconfig") print $(i + 1) }' | head -n 1)
    [ -n "$dcp_kubeconfig" ] || continue
    for sid in $(ps -eo sid=,args= | awk -v k="$dcp_kubeconfig" '$2 ~ /\/dcp$/ && index($0, k) { print $1 }' | sort -u); do
      [ "$sid" != "$own_session" ] || continue
      [[ " ${sessions[*]} " == *" $sid "* ]] || sessions+=("$sid")
    done
  done
}

stop_everything() {
  [ -n "$session" ] || return 0
  find_sessions
  kill -TERM -- "-$session" 2>/dev/null || true
  local deadline=$(( $(date +%s) + STOP_TIMEOUT ))
  while [ -n "$(our_processes)" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 1; done
  local left
  left="$(our_processes)"
  if [ -n "$left" ]; then
    echo "newcomer-test: still running ${STOP_TIMEOUT} s after SIGTERM, now killed:" >&2
    echo "$left" >&2
    echo "$left" | awk '{ print $1 }' | xargs -r kill -KILL 2>/dev/null || true
    sleep 1
  fi
  session=""
  [ -z "$left" ]
}

cleanup() {
  local code=$?
  trap - EXIT
  if [ -n "${watchdog:-}" ]; then
    pkill -TERM -P "$watchdog" 2>/dev/null || true
    kill "$watchdog" 2>/dev/null || true
  fi
  if [ -n "$session" ]; then
    step="stopping the AppHost"
    stop_everything || code=1
  fi
  if [ "$keep" = 1 ]; then
    say "kept: $work"
  else
    rm -rf "$work"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'fail "stopped by a signal (the total limit, or from outside)"' INT TERM

# The watchdog's own stderr is closed to keep bash's "Terminated" out when cleanup ends its sleep.
exec 3>&2
(
  sleep "$TOTAL_LIMIT"
  echo "newcomer-test: over the total limit of $TOTAL_LIMIT s; stopping the AppHost" >&3
  [ -s "$work/session" ] && kill -TERM -- "-$(cat "$work/session")" 2>/dev/null
  kill -TERM $$ 2>/dev/null
) 2>/dev/null &
watchdog=$!

# The first non-empty line of the fenced block after "<!-- newcomer: NAME -->" in the clone's README.
readme_command() {
  local command
  # Blocks inside a list item are indented: fences and commands may be too.
  command=$(awk -v marker="<!-- newcomer: $1 -->" '
    index($0, marker) { found = 1; next }
    found && !fenced && /^[ \t]*```/ { fenced = 1; next }
    found && fenced && /^[ \t]*```/ { exit }
    found && fenced && NF { sub(/^[ \t]+/, ""); sub(/[ \t]+$/, ""); print; exit }' "$clone/README.md")
  [ -n "$command" ] || fail "README.md has no command after <!-- newcomer: $1 --> (a fenced block must follow the marker)"
  printf '%s' "$command"
}

# Runs a README command the way a person would paste it, in the clone, bounded.
run_readme() {
  (cd "$clone" && timeout 60 bash -c "$1")
}

apphost_running() { [ -n "$session" ] && kill -0 "$session" 2>/dev/null; }

# Waits until the AppHost log has a line matching the regular expression; prints its first match.
wait_for_log() {
  local pattern="$1" deadline=$(( $(date +%s) + $2 )) match
  while :; do
    match=$(grep -oE "$pattern" "$log" | head -n 1 || true)
    [ -n "$match" ] && { printf '%s' "$match"; return 0; }
    apphost_running || fail "the AppHost exited before its log showed /$pattern/"
    [ "$(date +%s)" -lt "$deadline" ] || fail "no line matching /$pattern/ in the AppHost log within $2 s"
    sleep 1
  done
}

url_of() { wait_for_log "$1 is at https?://[^ ]+" "$2" | sed 's/.* is at //'; }

# curl's --max-time matters: the orchestrator's proxy accepts connections for a resource that is not up yet.
http_ok() { curl -fsS --max-time 5 -o /dev/null "$1" 2>/dev/null; }

wait_until() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@"; do
    apphost_running || fail "the AppHost exited while waiting for $what"
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what: not within $seconds s"
    sleep 1
  done
}

json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);const f=new Function("v","return ("+process.argv[1]+")");const r=f(v);console.log(typeof r==="object"?JSON.stringify(r):String(r));})' "$1"; }

# ------------------------------------------------------------------------------------------------
begin "checking the tools"
missing=()
for tool in git dotnet node npm curl chromium prometheus setsid timeout; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] || fail "missing: ${missing[*]} (on Debian: apt-get install chromium nodejs npm prometheus curl)"

# The AppHost's fixed ports (dashboard, its telemetry and resource service, load generator, nodes,
# backend, sample API): an AppHost already running here would answer in place of the clone's.
busy=()
for port in 15080 19080 20080 5380 5401 5402 5403 5300 5290; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && busy+=("$port")
done
[ ${#busy[@]} -eq 0 ] || fail "ports ${busy[*]} are in use: stop the AppHost (or whatever listens there) first"

begin "installing the screenshot tool (npm ci)"
(cd "$here" && timeout 300 npm ci --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1) || { cat "$work/npm.log" >&2; fail "npm ci failed"; }

begin "cloning $repository"
timeout 120 git clone --quiet "$repository" "$clone" || fail "git clone failed"

begin "reading the README's commands"
run_command=$(readme_command run)
readme_command test >/dev/null
start_command=$(readme_command start-load)
cross_command=$(readme_command cross-node)
stop_command=$(readme_command stop-load)
say "run:        $run_command"
say "start-load: $start_command"
say "cross-node: $cross_command"
say "stop-load:  $stop_command"

begin "running the README's run command (builds the clone)"
# Its own session, so that one signal reaches dotnet run, the AppHost and whatever they start in it.
(cd "$clone" && exec setsid timeout --kill-after=20 "$RUN_LIMIT" bash -c "exec $run_command" >"$log" 2>&1 </dev/null) &
session=$!
echo "$session" >"$work/session"
login_url=$(wait_for_log 'https?://[^ ]+/login\?t=[0-9a-f]+' "$START_TIMEOUT")
say "dashboard login: $login_url"

begin "waiting for the resources' addresses in the AppHost log"
node_urls=()
node_names=()
url_of cache-0 "$START_TIMEOUT" >/dev/null
loadgen_url=$(url_of loadgen "$START_TIMEOUT")
prometheus_url=$(url_of prometheus "$START_TIMEOUT")
while read -r name url; do
  node_names+=("$name"); node_urls+=("$url")
done < <(grep -oE 'cache-[0-9]+ is at https?://[^ ]+' "$log" | sed 's/ is at / /' | sort -u)
say "nodes: ${node_names[*]} at ${node_urls[*]}; loadgen at $loadgen_url; prometheus at $prometheus_url"
[ ${#node_urls[@]} -ge 2 ] || fail "fewer than two cache nodes in the AppHost log"
find_sessions

begin "waiting for the nodes and the load generator to answer /health"
for url in "${node_urls[@]}" "$loadgen_url"; do
  wait_until "$url/health" "$HEALTH_TIMEOUT" http_ok "$url/health"
done
wait_until "Prometheus ready" "$HEALTH_TIMEOUT" http_ok "$prometheus_url/-/ready"
find_sessions

begin "starting the load with the README's start-load command"
run_readme "$start_command" >"$work/start-load.out" 2>&1 || { cat "$work/start-load.out" >&2; fail "the start-load command failed"; }
load_running() { [ "$(curl -fsS --max-time 5 "$loadgen_url/status" | json 'v.running')" = true ]; }
load_running || fail "after start-load, $loadgen_url/status does not say running: $(curl -sS --max-time 5 "$loadgen_url/status" || true)"

begin "waiting for Prometheus to report a hit ratio above zero"
hit_ratio_expr='sum(rate(aspirecache_hits_total[1m])) / sum(rate(aspirecache_gets_total[1m]))'
hit_ratio() {
  curl -fsS --max-time 5 -G "$prometheus_url/api/v1/query" --data-urlencode "query=$hit_ratio_expr" 2>/dev/null \
    | json '(v.data.result[0] && v.data.result[0].value[1]) || "none"'
}
hit_ratio_positive() { local r; r=$(hit_ratio || echo none); [ "$r" != none ] && [ "$r" != NaN ] && node -e 'process.exit(Number(process.argv[1]) > 0 ? 0 : 1)' "$r"; }
wait_until "a hit ratio above zero from Prometheus ($hit_ratio_expr)" "$HIT_RATIO_TIMEOUT" hit_ratio_positive
say "hit ratio: $(hit_ratio)"

begin "asking a node for a key another node owns (the README's cross-node command)"
# Which node the command asks: the node address in it, named by the AppHost's "cache-N is at" lines.
asked_url=$(grep -oE 'https?://[^ /]+' <<<"$cross_command" | head -n 1)
asked=""
for i in "${!node_urls[@]}"; do
  [ "${node_urls[$i]%/}" = "$asked_url" ] && asked="${node_names[$i]}"
done
[ -n "$asked" ] || fail "the cross-node command asks $asked_url, which is none of the nodes (${node_urls[*]})"
owner_of_answer() { # prints "status owner result" for a command whose output holds headers (curl -i)
  tr -d '\r' | awk 'NR == 1 { status = $2 } tolower($1) == "x-cache-owner:" { owner = $2 } tolower($1) == "x-cache-result:" { result = $2 } END { print status, owner, result }'
}
answer=$(run_readme "$cross_command" 2>"$work/cross-node.err" | owner_of_answer) || fail "the cross-node command failed: $(cat "$work/cross-node.err")"
read -r status owner result <<<"$answer"
say "$asked answered $status, X-Cache-Owner: $owner, X-Cache-Result: $result"
[ "$status" = 200 ] || fail "the cross-node command's answer was '$status', not 200 (it must print the headers, e.g. curl -i)"
[ -n "$owner" ] || fail "the cross-node answer has no X-Cache-Owner header"
if [ "$owner" = "$asked" ]; then
  # The README's key happens to be owned by the node it asks: the same key from another node must cross.
  crossed=0
  for i in "${!node_urls[@]}"; do
    [ "${node_names[$i]}" = "$asked" ] && continue
    other="${cross_command//$asked_url/${node_urls[$i]%/}}"
    read -r status owner2 result <<<"$(run_readme "$other" 2>/dev/null | owner_of_answer)"
    say "${node_names[$i]} answered $status, X-Cache-Owner: $owner2, X-Cache-Result: $result"
    if [ "$status" = 200 ] && [ -n "$owner2" ] && [ "$owner2" != "${node_names[$i]}" ]; then crossed=1; break; fi
  done
  [ "$crossed" = 1 ] || fail "no node answered the key for another owner (owner $owner)"
fi

begin "loading a fresh key through a node that does not own it (the trace to show)"
# The README's key may be cached by now; a key no one asked for yet makes a trace that crosses two
# nodes and reaches the backend: non-owner, owner, demobackend.
# Each try carries a W3C traceparent with a trace id of its own, so the screenshot opens that very trace
# instead of searching for it among the load generator's hundreds per second.
fresh="" trace_id=""
for i in $(seq 1 20); do
  key="newcomer-$(date +%s)-$i"
  tid=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  sid=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  read -r status owner result <<<"$(curl -sS -i --max-time 10 -H "traceparent: 00-$tid-$sid-01" "${node_urls[0]%/}/cache/demo/$key" 2>/dev/null | owner_of_answer)"
  if [ "$status" = 200 ] && [ "$result" = peer ] && [ "$owner" != "${node_names[0]}" ]; then fresh="$key" trace_id="$tid"; break; fi
done
[ -n "$fresh" ] || fail "no fresh key came back from ${node_names[0]} as a peer fetch in 20 tries (last: $status $owner $result)"
say "${node_names[0]} fetched $fresh from its owner $owner (trace $trace_id)"

begin "taking the screenshots"
nodes_csv=$(IFS=,; echo "${node_names[*]}")
timeout "$SCREENSHOT_TIMEOUT" node "$here/screenshots.mjs" \
  --login "$login_url" --prometheus "$prometheus_url" --nodes "$nodes_csv" \
  --expr "$hit_ratio_expr" --trace "$trace_id" --out "$screenshots" --profile "$work/chromium" --history "$HISTORY" \
  || fail "the screenshot script failed (exit $?)"
for png in dashboard-resources.png trace-across-nodes.png prometheus-hit-ratio.png; do
  [ -s "$screenshots/$png" ] || fail "$screenshots/$png was not written"
done

begin "stopping the load with the README's stop-load command"
run_readme "$stop_command" >"$work/stop-load.out" 2>&1 || { cat "$work/stop-load.out" >&2; fail "the stop-load command failed"; }
! load_running || fail "after stop-load, $loadgen_url/status still says running"

begin "stopping the AppHost and checking that nothing it started is left"
stop_everything || fail "processes were left behind after SIGTERM (listed above)"
[ -z "$(our_processes)" ] || fail "processes left behind: $(our_processes)"

say "passed in $(( $(date +%s) - started )) s; screenshots in $screenshots"
