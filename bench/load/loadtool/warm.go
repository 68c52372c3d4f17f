package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func newFlags(name string) *flag.FlagSet { return flag.NewFlagSet(name, flag.ExitOnError) }

// warm asks every key of a set once (in parallel) and writes "key<TAB>owner" lines in key order.
func warm(args []string) error {
	fs := newFlags("warm")
	base := fs.String("url", "", "the address keys are appended to, e.g. http://127.0.0.1:7100/cache/demo/")
	prefix := fs.String("prefix", "k-", "key prefix; keys are prefix + a six-digit index")
	n := fs.Int("n", 1000, "number of keys")
	concurrency := fs.Int("c", 64, "requests in flight")
	out := fs.String("out", "", "where to write key<TAB>owner lines (none when empty)")
	fs.Parse(args)

	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency, MaxConnsPerHost: *concurrency},
	}
	owners := make([]string, *n)
	var next, failures int64 = -1, 0
	var firstError atomic.Value
	var wg sync.WaitGroup
	for w := 0; w < *concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := atomic.AddInt64(&next, 1)
				if i >= int64(*n) {
					return
				}
				key := fmt.Sprintf("%s%06d", *prefix, i)
				owner, err := fetch(client, *base+key)
				if err != nil {
					// One retry: a fresh node's first connections can race its start.
					owner, err = fetch(client, *base+key)
				}
				if err != nil {
					atomic.AddInt64(&failures, 1)
					firstError.CompareAndSwap(nil, err)
					continue
				}
				owners[i] = owner
			}
		}()
	}
	wg.Wait()
	if failures > 0 {
		return fmt.Errorf("%d of %d keys failed, first: %v", failures, *n, firstError.Load())
	}
	if *out == "" {
		return nil
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i, owner := range owners {
		fmt.Fprintf(w, "%s%06d\t%s\n", *prefix, i, owner)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func fetch(client *http.Client, url string) (string, error) {
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: status %d", url, resp.StatusCode)
	}
	owner := resp.Header.Get("X-Cache-Owner")
	if owner == "" {
		return "", fmt.Errorf("%s: no X-Cache-Owner header", url)
	}
	return owner, nil
}
