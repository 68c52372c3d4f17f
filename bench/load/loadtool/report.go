package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// One wrk measurement: a row of raw.tsv.
type run struct {
	round            int
	scenario, system string
	rate             float64
	p50us, p99us     float64
	errors, requests int64
}

// One process's memory: a row of mem.tsv.
type memRow struct {
	config, role    string
	entries, bytes  int64
	rssKB           int64
	heap, committed int64 // the managed heap after the last GC and the GC's committed bytes (.NET only)
}

var scenarios = []struct{ id, title string }{
	{"owner-hit", "one key at its owner"},
	{"hot-nonowner", "one hot key at a non-owner"},
	{"distinct-nonowner", "distinct keys at non-owners (peer hop)"},
	{"zipf-one", "Zipf(1.0), 10k-key set, one node"},
	{"zipf-spread", "Zipf(1.0), spread over three nodes"},
	{"cold-miss", "cold misses (never-seen keys)"},
}

var systemTitles = map[string]string{
	"aspire":     "AspireCache",
	"groupcache": "groupcache",
	"floor":      "floor (ServiceDefaults)",
	"floor-bare": "floor (bare Kestrel)",
}

const p99TargetUs = 2000

func report(args []string) error {
	fs := newFlags("report")
	rawPath := fs.String("raw", "", "raw.tsv")
	memPath := fs.String("mem", "", "mem.tsv")
	metaPath := fs.String("meta", "", "meta.txt")
	out := fs.String("out", "results.md", "the Markdown to write")
	fs.Parse(args)

	runs, err := readRuns(*rawPath)
	if err != nil {
		return err
	}
	mems, err := readMem(*memPath)
	if err != nil {
		return err
	}
	meta, err := readMeta(*metaPath)
	if err != nil {
		return err
	}
	delayUs, _ := strconv.ParseFloat(meta["delay_ms"], 64)
	delayUs *= 1000

	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	w("# Load benchmark results\n\n")
	w("Written by `bench/load/run.sh` (%s mode) on %s, commit %s. See README.md for what each scenario does.\n\n",
		meta["mode"], meta["date"], meta["commit"])
	w("- Machine: %s; .NET SDK %s, %s, wrk %s.\n", meta["cpu"], meta["dotnet"], meta["go"], meta["wrk"])
	w("- Cores: every server process of every system (three nodes, DemoBackend, the floors) pinned to core %s with `taskset`; "+
		"every wrk pinned to core %s. All systems run at once and idle while another is measured.\n", meta["server_cores"], meta["load_cores"])
	w("- Load: `wrk -t1 -c%s`, %s s measured after %s s unrecorded warm-up, %s round(s); systems take turns going first. "+
		"Zipf spread: three wrk processes at once (5 + 6 + 5 connections), rates added, worst p50/p99 of the three.\n",
		meta["connections"], meta["duration_s"], meta["warmup_s"], meta["rounds"])
	w("- Source: %s ms per load (DemoBackend over HTTP for AspireCache, `time.Sleep` in the getter for groupcache); 1 KiB values. "+
		"Key sets: %s distinct keys (walked at node 1, %s of them owned elsewhere), %s Zipf keys; both warmed through node 0.\n",
		meta["delay_ms"], meta["distinct_keys"], meta["walk_keys_aspire"], meta["zipf_keys"])
	w("- AspireCache nodes ran with %s. Total wall time of this run: %s s.\n", meta["gc_as_built"], meta["wall_s"])
	w("- Load average (1/5/15 min) of the machine: %s; anything above ~1 means other work shared the cores.\n\n", meta["loadavg"])

	w("## Headline\n\n")
	w("Medians over rounds, (min–max) in brackets. Ratios are taken within each round, then the median of those. " +
		"\"floor\" is the ServiceDefaults floor.\n\n")
	w("| scenario | AspireCache req/s | groupcache req/s | floor req/s | ratio vs groupcache | ratio vs floor | p99 AspireCache / groupcache | target | result |\n")
	w("|---|---:|---:|---:|---:|---:|---:|---|---|\n")
	for _, sc := range scenarios {
		a := pick(runs, sc.id, "aspire")
		g := pick(runs, sc.id, "groupcache")
		floorScenario := sc.id
		if sc.id == "hot-nonowner" {
			floorScenario = "owner-hit" // the floor has one key and no owners; its single-key rate serves both rows
		}
		f := pick(runs, floorScenario, "floor")
		if sc.id != "owner-hit" && sc.id != "hot-nonowner" {
			f = nil
		}
		vsG := ratios(a, g)
		vsF := ratios(a, f)
		p99A := median(field(a, func(r run) float64 { return r.p99us }))
		p99G := median(field(g, func(r run) float64 { return r.p99us }))
		var target string
		var checks []string
		switch sc.id {
		case "owner-hit":
			target = "≥ 0.9× floor; p99 ≤ 2 ms"
			checks = append(checks, verdict(median(vsF) >= 0.9, fmt.Sprintf("%.2f× floor", median(vsF))), p99Verdict(p99A))
		case "hot-nonowner":
			target = "≥ 0.9× owner-hit; p99 ≤ 2 ms"
			vsOwner := ratios(a, pick(runs, "owner-hit", "aspire"))
			checks = append(checks, verdict(median(vsOwner) >= 0.9, fmt.Sprintf("%.2f× owner-hit", median(vsOwner))), p99Verdict(p99A))
		case "distinct-nonowner", "zipf-one", "zipf-spread":
			target = "≥ 1.0× groupcache; p99 ≤ 2 ms"
			checks = append(checks, verdict(median(vsG) >= 1.0, fmt.Sprintf("%.2f× groupcache", median(vsG))), p99Verdict(p99A))
		case "cold-miss":
			target = fmt.Sprintf("≤ 2 ms above the %s ms source delay", meta["delay_ms"])
			p50A := median(field(a, func(r run) float64 { return r.p50us }))
			checks = append(checks, verdict(p50A-delayUs <= 2000 && p99A-delayUs <= 2000,
				fmt.Sprintf("p50 %+.2f ms, p99 %+.2f ms", (p50A-delayUs)/1000, (p99A-delayUs)/1000)))
		}
		w("| %s | %s | %s | %s | %s | %s | %s / %s | %s | %s |\n", sc.title,
			rateCell(a), rateCell(g), rateCell(f), ratioCell(vsG), ratioCell(vsF),
			ms(p99A), ms(p99G), target, strings.Join(checks, "; "))
	}

	w("\n## Every system\n\n")
	w("| scenario | system | req/s | p50 ms | p99 ms | p99 − source delay | failed requests |\n|---|---|---:|---:|---:|---:|---:|\n")
	for _, sc := range scenarios {
		for _, sys := range []string{"aspire", "groupcache", "floor", "floor-bare"} {
			rs := pick(runs, sc.id, sys)
			if len(rs) == 0 {
				continue
			}
			p50 := median(field(rs, func(r run) float64 { return r.p50us }))
			p99 := median(field(rs, func(r run) float64 { return r.p99us }))
			overhead := "—"
			if sc.id == "cold-miss" {
				overhead = fmt.Sprintf("%+.2f ms (p50 %+.2f)", (p99-delayUs)/1000, (p50-delayUs)/1000)
			}
			var failed int64
			for _, r := range rs {
				failed += r.errors
			}
			w("| %s | %s | %s | %s | %s | %s | %d |\n", sc.id, systemTitles[sys], rateCell(rs), ms(p50), ms(p99), overhead, failed)
		}
	}
	if d, bare := pick(runs, "owner-hit", "floor"), pick(runs, "owner-hit", "floor-bare"); len(d) > 0 && len(bare) > 0 {
		w("\nThe service defaults (OpenTelemetry metrics and tracing, /metrics) cost the floor %.0f%% of the bare rate (median of per-round ratios %.2f).\n",
			100*(1-median(ratios(d, bare))), median(ratios(d, bare)))
	}
	var hot []string
	for k, v := range meta {
		if strings.HasPrefix(k, "hot_result_after_round_") {
			hot = append(hot, fmt.Sprintf("round %s: `%s`", strings.TrimPrefix(k, "hot_result_after_round_"), v))
		}
	}
	sort.Strings(hot)
	if len(hot) > 0 {
		w("AspireCache's `X-Cache-Result` for the hot key at the non-owner after each round: %s.\n", strings.Join(hot, ", "))
	}

	writeMemory(w, mems, meta)

	w("\n## Raw runs\n\n| round | scenario | system | req/s | p50 ms | p99 ms | failed | requests |\n|---:|---|---|---:|---:|---:|---:|---:|\n")
	for _, r := range runs {
		w("| %d | %s | %s | %.0f | %s | %s | %d | %d |\n", r.round, r.scenario, r.system, r.rate, ms(r.p50us), ms(r.p99us), r.errors, r.requests)
	}

	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return nil
}

func writeMemory(w func(string, ...any), mems []memRow, meta map[string]string) {
	w("\n## Memory per entry\n\n")
	w("%s keys (1 KiB values) loaded through node 0 with a %s ms source; each node keeps the keys it owns, so each holds about a third. "+
		"Processes not pinned (pinned to one core, a process gets at most one GC heap and the settings barely differ). "+
		"RSS is VmRSS from /proc two seconds after the load; the floor is the ServiceDefaults floor under the same GC settings, read the same way after the same load. "+
		"Target: each node's RSS ≤ floor RSS + 1.25 × bytes stored.\n\n", meta["mem_keys"], meta["mem_delay_ms"])
	w("| GC settings | floor RSS MiB (heap / committed) | node RSS MiB (0 / 1 / 2) | node heap / committed MiB (0; 1; 2) | entries (0 / 1 / 2) | bytes stored MiB (0 / 1 / 2) | (RSS − floor) / bytes | (heap − floor heap) / bytes | result |\n")
	w("|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	configs := []string{}
	seen := map[string]bool{}
	for _, m := range mems {
		if !seen[m.config] && m.config != "groupcache" {
			seen[m.config] = true
			configs = append(configs, m.config)
		}
	}
	env := map[string]string{
		"as-built":             "As built (" + meta["gc_as_built"] + "; no GC variables)",
		"server-datas":         "Server GC + DATAS (`DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=1`; .NET's default for ASP.NET Core)",
		"server-classic":       "Server GC without DATAS (`DOTNET_GCDynamicAdaptationMode=0`)",
		"workstation":          "Workstation GC (`DOTNET_gcServer=0`)",
		"workstation-conserve": "Workstation GC + `DOTNET_GCConserveMemory=5`",
		"server-datas-gen0":    "Server GC + DATAS, gen0 budget at most 4 MiB (`DOTNET_GCgen0MaxBudget=0x400000`)",
		"workstation-gen0":     "Workstation GC, not concurrent, gen0 budget at most 4 MiB (`DOTNET_gcServer=0 DOTNET_gcConcurrent=0 DOTNET_GCgen0MaxBudget=0x400000`)",
	}
	for _, c := range configs {
		var floor int64
		var floorRow memRow
		var nodes []memRow
		for _, m := range mems {
			if m.config == c && m.role == "floor" {
				floor = m.rssKB
				floorRow = m
			} else if m.config == c && strings.HasPrefix(m.role, "node-") {
				nodes = append(nodes, m)
			}
		}
		var over, heapOver, stored float64
		pass := len(nodes) > 0
		for _, n := range nodes {
			over += float64(n.rssKB-floor) * 1024
			heapOver += float64(n.heap - floorRow.heap)
			stored += float64(n.bytes)
			if float64(n.rssKB*1024) > float64(floor*1024)+1.25*float64(n.bytes) {
				pass = false
			}
		}
		var heaps []string
		for _, n := range nodes {
			heaps = append(heaps, fmt.Sprintf("%.0f / %.0f", mib(n.heap), mib(n.committed)))
		}
		w("| %s | %.1f (%.1f / %.1f) | %s | %s | %s | %s | %.2f | %.2f | %s |\n", orDefault(env[c], c), mib(floor*1024), mib(floorRow.heap), mib(floorRow.committed),
			join(nodes, func(m memRow) string { return fmt.Sprintf("%.1f", mib(m.rssKB*1024)) }),
			strings.Join(heaps, "; "),
			join(nodes, func(m memRow) string { return strconv.FormatInt(m.entries, 10) }),
			join(nodes, func(m memRow) string { return fmt.Sprintf("%.1f", mib(m.bytes)) }),
			safeDiv(over, stored), safeDiv(heapOver, stored), verdict(pass, "every node"))
	}
	var idle, loaded []memRow
	for _, m := range mems {
		if m.config == "groupcache" && strings.HasPrefix(m.role, "idle-") {
			idle = append(idle, m)
		} else if m.config == "groupcache" && strings.HasPrefix(m.role, "node-") {
			loaded = append(loaded, m)
		}
	}
	if len(loaded) > 0 && len(idle) == len(loaded) {
		var over, stored float64
		for i := range loaded {
			over += float64(loaded[i].rssKB-idle[i].rssKB) * 1024
			stored += float64(loaded[i].bytes)
		}
		w("| groupcache (its own idle RSS as floor: %s MiB) | — | %s | — | %s | %s | %.2f | — | — |\n",
			join(idle, func(m memRow) string { return fmt.Sprintf("%.1f", mib(m.rssKB*1024)) }),
			join(loaded, func(m memRow) string { return fmt.Sprintf("%.1f", mib(m.rssKB*1024)) }),
			join(loaded, func(m memRow) string { return strconv.FormatInt(m.entries, 10) }),
			join(loaded, func(m memRow) string { return fmt.Sprintf("%.1f", mib(m.bytes)) }),
			safeDiv(over, stored))
	}
	w("\nHeap is the managed heap after the last GC (all generations) and committed the GC's committed memory, both from the runtime's own metrics (`/metrics`); " +
		"RSS above committed is the runtime, native libraries and code. (heap − floor heap) / bytes is what the entries cost the managed heap itself; " +
		"a floor that has not collected yet reports 0.\n")
	w("AspireCache's bytes stored are its store's count (values, and whatever the store adds per entry); groupcache's count key plus value bytes.\n")
}

func pick(runs []run, scenario, system string) []run {
	var out []run
	for _, r := range runs {
		if r.scenario == scenario && r.system == system {
			out = append(out, r)
		}
	}
	return out
}

// ratios divides a's rate by b's within each round both measured.
func ratios(a, b []run) []float64 {
	var out []float64
	for _, x := range a {
		for _, y := range b {
			if x.round == y.round && y.rate > 0 {
				out = append(out, x.rate/y.rate)
			}
		}
	}
	return out
}

func field(rs []run, f func(run) float64) []float64 {
	out := make([]float64, 0, len(rs))
	for _, r := range rs {
		out = append(out, f(r))
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func spread(xs []float64) (float64, float64) {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[0], s[len(s)-1]
}

func rateCell(rs []run) string {
	if len(rs) == 0 {
		return "—"
	}
	rates := field(rs, func(r run) float64 { return r.rate })
	if len(rates) == 1 {
		return fmt.Sprintf("%.0f", rates[0])
	}
	lo, hi := spread(rates)
	return fmt.Sprintf("%.0f (%.0f–%.0f)", median(rates), lo, hi)
}

func ratioCell(xs []float64) string {
	if len(xs) == 0 {
		return "—"
	}
	if len(xs) == 1 {
		return fmt.Sprintf("%.2f×", xs[0])
	}
	lo, hi := spread(xs)
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", median(xs), lo, hi)
}

func ms(us float64) string {
	if us == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", us/1000)
}

func verdict(ok bool, detail string) string {
	if ok {
		return "pass (" + detail + ")"
	}
	return "**miss** (" + detail + ")"
}

func p99Verdict(us float64) string {
	return verdict(us <= p99TargetUs, fmt.Sprintf("p99 %.2f ms", us/1000))
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func join(ms []memRow, f func(memRow) string) string {
	parts := make([]string, 0, len(ms))
	for _, m := range ms {
		parts = append(parts, f(m))
	}
	return strings.Join(parts, " / ")
}

func readLines(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][]string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := strings.TrimSpace(s.Text()); line != "" {
			out = append(out, strings.Split(line, "\t"))
		}
	}
	return out, s.Err()
}

func readRuns(path string) ([]run, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	var out []run
	for _, f := range lines {
		if len(f) != 8 {
			return nil, fmt.Errorf("%s: bad line %q", path, strings.Join(f, "\t"))
		}
		r := run{scenario: f[1], system: f[2]}
		r.round, _ = strconv.Atoi(f[0])
		r.rate, _ = strconv.ParseFloat(f[3], 64)
		r.p50us, _ = strconv.ParseFloat(f[4], 64)
		r.p99us, _ = strconv.ParseFloat(f[5], 64)
		r.errors, _ = strconv.ParseInt(f[6], 10, 64)
		r.requests, _ = strconv.ParseInt(f[7], 10, 64)
		out = append(out, r)
	}
	return out, nil
}

func readMem(path string) ([]memRow, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	var out []memRow
	for _, f := range lines {
		if len(f) != 7 {
			return nil, fmt.Errorf("%s: bad line %q", path, strings.Join(f, "\t"))
		}
		m := memRow{config: f[0], role: f[1]}
		m.entries, _ = strconv.ParseInt(f[2], 10, 64)
		m.bytes, _ = strconv.ParseInt(f[3], 10, 64)
		m.rssKB, _ = strconv.ParseInt(f[4], 10, 64)
		m.heap, _ = strconv.ParseInt(f[5], 10, 64)
		m.committed, _ = strconv.ParseInt(f[6], 10, 64)
		out = append(out, m)
	}
	return out, nil
}

func readMeta(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	meta := map[string]string{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), "="); ok {
			meta[k] = v
		}
	}
	return meta, s.Err()
}
