// Command groupcache runs one node of a golang/groupcache cluster shaped like an AspireCache node, so
// that bench/load/run.sh can put the same load on both.
//
// A node answers GET /cache/demo/{key} with the group's value and names the key's owner in the
// X-Cache-Owner header. The owner is worked out with groupcache's own consistenthash package and
// HTTPPool's defaults (50 replicas, CRC-32), so it is the peer HTTPPool itself picks.
// GET /cluster reports the group's entries and bytes in the same shape as an AspireCache node.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"hash/fnv"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/golang/groupcache"
	"github.com/golang/groupcache/consistenthash"
)

// HTTPPool's defaults (http.go: defaultReplicas, and a nil hash meaning CRC-32).
const poolReplicas = 50

func main() {
	self := flag.String("self", "gc-0", "this node's name")
	peersFlag := flag.String("peers", "", "every member as name=url, comma-separated, this node included")
	listen := flag.String("listen", "127.0.0.1:7200", "address to listen on")
	delay := flag.Duration("delay", 20*time.Millisecond, "the source's delay for each load")
	valueBytes := flag.Int("value-bytes", 1024, "bytes in each value")
	cacheBytes := flag.Int64("cache-bytes", 64<<20, "the group's cache size (main and hot cache together)")
	flag.Parse()

	names := map[string]string{}
	var urls []string
	selfURL := ""
	for _, member := range strings.Split(*peersFlag, ",") {
		name, url, ok := strings.Cut(member, "=")
		if !ok {
			log.Fatalf("bad member %q: want name=url", member)
		}
		names[url] = name
		urls = append(urls, url)
		if name == *self {
			selfURL = url
		}
	}
	if selfURL == "" {
		log.Fatalf("%s is not among the members %q", *self, *peersFlag)
	}

	pool := groupcache.NewHTTPPool(selfURL) // registers /_groupcache/ on the default mux
	pool.Set(urls...)
	ring := consistenthash.New(poolReplicas, nil)
	ring.Add(urls...)

	group := groupcache.NewGroup("demo", *cacheBytes, groupcache.GetterFunc(
		func(ctx context.Context, key string, dest groupcache.Sink) error {
			// The same slow source as DemoBackend, but in process: groupcache getters usually are.
			select {
			case <-time.After(*delay):
			case <-ctx.Done():
				return ctx.Err()
			}
			return dest.SetBytes(valueFor(key, *valueBytes))
		}))

	http.HandleFunc("/cache/demo/", func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, "/cache/demo/")
		if key == "" {
			http.Error(w, "empty key", http.StatusBadRequest)
			return
		}
		var value groupcache.ByteView
		if err := group.Get(r.Context(), key, groupcache.ByteViewSink(&value)); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Length", strconv.Itoa(value.Len()))
		h.Set("X-Cache-Owner", names[ring.Get(key)])
		value.WriteTo(w)
	})
	http.HandleFunc("/cluster", func(w http.ResponseWriter, r *http.Request) {
		main := group.CacheStats(groupcache.MainCache)
		hot := group.CacheStats(groupcache.HotCache)
		// groupcache counts a key's bytes with its value's, as the limit does.
		json.NewEncoder(w).Encode(map[string]any{
			"name": *self,
			"groups": []map[string]any{{
				"name":       "demo",
				"entries":    main.Items + hot.Items,
				"bytes":      main.Bytes + hot.Bytes,
				"hotEntries": hot.Items,
			}},
		})
	})
	http.HandleFunc("/alive", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })

	log.Fatal(http.ListenAndServe(*listen, nil))
}

// valueFor fills n bytes that depend on the key alone (SplitMix64 seeded by FNV-1a).
func valueFor(key string, n int) []byte {
	h := fnv.New64a()
	h.Write([]byte(key))
	state := h.Sum64()
	value := make([]byte, n+8)
	for i := 0; i < n; i += 8 {
		state += 0x9E3779B97F4A7C15
		z := state
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		binary.LittleEndian.PutUint64(value[i:], z^(z>>31))
	}
	return value[:n]
}
