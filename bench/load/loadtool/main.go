// Command loadtool is bench/load/run.sh's helper: it warms key sets through a cache node and records
// each key's owner, reads a node's entry counts, and turns the raw measurements into results.md.
//
//	loadtool warm   -url http://127.0.0.1:7100/cache/demo/ -prefix d- -n 50000 -c 64 [-out owners.tsv]
//	loadtool stat   -url http://127.0.0.1:7100/cluster
//	loadtool report -raw raw.tsv -mem mem.tsv -meta meta.txt -out results.md
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: loadtool warm|stat|report [flags]")
	}
	var err error
	switch os.Args[1] {
	case "warm":
		err = warm(os.Args[2:])
	case "stat":
		err = stat(os.Args[2:])
	case "report":
		err = report(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "loadtool:", message)
	os.Exit(1)
}

// stat prints "entries bytes" of the demo group from a node's /cluster document.
func stat(args []string) error {
	fs := newFlags("stat")
	url := fs.String("url", "", "the node's /cluster address")
	fs.Parse(args)
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(*url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var doc struct {
		Groups []struct {
			Name    string `json:"name"`
			Entries int64  `json:"entries"`
			Bytes   int64  `json:"bytes"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("%s: %v", *url, err)
	}
	for _, g := range doc.Groups {
		if g.Name == "demo" {
			fmt.Printf("%d %d\n", g.Entries, g.Bytes)
			return nil
		}
	}
	return fmt.Errorf("%s has no group named demo", *url)
}
