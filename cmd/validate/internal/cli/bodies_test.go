package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/contract"
)

// Bodies and header maps lent to the readers and taken back after each check are not
// taken back while in use: over entries large enough for their buffers to be reused,
// on several workers, with every buffer and header value taken back filled with junk,
// every finding quotes its own entry's value.
func TestReusedBodiesKeepEachEntrysFindings(t *testing.T) {
	var entries []string
	for k := range 60 {
		var orgs []string
		for j := range 60 {
			id := fmt.Sprint(k*1000 + j)
			if k%2 == 1 && j == 7 {
				id = fmt.Sprintf(`"bad-%d"`, k)
			}
			orgs = append(orgs, fmt.Sprintf(`{"id":%s,"name":"Org %d %d","domain":"o%d.example","domains":["o%d.example"],"crunchbase_uuid":null,"global":false}`, id, k, j, j, j))
		}
		body := `{"organizations":[` + strings.Join(orgs, ",") + `],"next_page_token":null}`
		text, _ := json.Marshal(body)
		limit := fmt.Sprint(k) // a header of every third entry is wrong, and quoted
		if k%3 == 2 {
			limit = fmt.Sprintf("bad-%d", k)
		}
		entries = append(entries, `{"request":{"method":"GET","url":"https://api.affinity.co/organizations?term=o","headers":[{"name":"X-Trace","value":"`+limit+`"}]},`+
			`"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"},{"name":"X-Ratelimit-Limit-User","value":"`+limit+`"}],"content":{"text":`+string(text)+`}}}`)
	}
	path := write(t, filepath.Join(t.TempDir(), "many.har"), `{"log":{"version":"1.2","entries":[`+strings.Join(entries, ",")+`]}}`)
	runner, err := (&checkOptions{format: "text", workers: 4}).setup(t.Context(), []string{path})
	if err != nil {
		t.Fatal(err)
	}
	runner.bodies = &bodyPool{poison: true}
	res := runner.Run(t.Context(), []Input{fileInput(path)})
	// Odd entries have a wrong id, every third a wrong header: 30 + 20 findings, in 40
	// entries.
	if res.Summary.Checked != 60 || res.Summary.Failed != 40 || len(res.Findings) != 50 {
		t.Fatalf("summary %+v, %d findings", res.Summary, len(res.Findings))
	}
	for _, f := range res.Findings {
		switch {
		case f.Kind == "header" && f.Entry%3 == 2 && f.Pointer == "/X-Ratelimit-Limit-User" && f.Found == fmt.Sprintf(`"bad-%d"`, f.Entry):
		case f.Kind == "body" && f.Entry%2 == 1 && f.Pointer == "/organizations/7/id" && strings.Contains(f.Found, fmt.Sprintf("bad-%d", f.Entry)):
		default:
			t.Errorf("entry %d: %s %s found %q", f.Entry, f.Kind, f.Pointer, f.Found)
		}
	}
}

// A reader's small bodies are carved from slabs of its own: each of the length asked,
// none sharing a byte with another, appending to one reaching no other, on both sides
// of minPooledBody and of a slab's end; larger ones come from the pool.
func TestReaderAllocCarvesSmallBodies(t *testing.T) {
	p := &bodyPool{}
	big := make([]byte, 2*minPooledBody)
	p.put(big)
	alloc := p.readerAlloc()
	var bodies [][]byte
	for i, n := range []int{0, 1, minPooledBody - 1, 7, slabBytes - minPooledBody, minPooledBody - 1, 3} {
		b := alloc(n)
		if len(b) != n || cap(b) != n {
			t.Fatalf("body %d: length %d, capacity %d, want %d", i, len(b), cap(b), n)
		}
		for j := range b {
			b[j] = byte(i + 1)
		}
		bodies = append(bodies, b)
	}
	if b := alloc(minPooledBody); len(b) != minPooledBody || cap(b) < minPooledBody {
		t.Fatalf("a body of minPooledBody: length %d, capacity %d", len(b), cap(b))
	}
	bodies[1] = append(bodies[1], 'x') // past its capacity: a copy of its own
	for i, b := range bodies {
		for j, c := range b {
			if i == 1 && j == 1 {
				continue // the byte appended
			}
			if c != byte(i+1) {
				t.Fatalf("body %d byte %d is %d, want %d: bodies overlap", i, j, c, i+1)
			}
		}
	}
}

// Header maps taken back are kept up to maxFreeHeaders in the shared list and
// 2*headerBatch in a P's batch, none with more than maxPooledHeader names; readers
// take each kept map once, and none once the pool is empty.
func TestHeaderMapsKeptAreBounded(t *testing.T) {
	p := &bodyPool{}
	big := http.Header{}
	for i := range maxPooledHeader + 1 {
		big.Set(fmt.Sprintf("X-%d", i), "v")
	}
	for range 4 * maxFreeHeaders {
		p.done(contract.Exchange{RequestHeader: http.Header{"A": {"1"}}, ResponseHeader: big})
	}
	if len(p.headers) > maxFreeHeaders || len(p.headers) < maxFreeHeaders && !raceEnabled {
		t.Fatalf("%d maps in the shared list, want %d", len(p.headers), maxFreeHeaders)
	}
	seen := map[uintptr]bool{}
	readers := []func() http.Header{p.takeHeader, p.takeHeader}
	for i := 0; ; i++ {
		h := readers[i%2]()
		if h == nil {
			// A batch of a P the test's goroutine left, or one the garbage collector
			// dropped, may hold some: at least the shared list's are lent.
			if i < maxFreeHeaders && !raceEnabled || i > maxFreeHeaders+2*headerBatch {
				t.Fatalf("%d maps lent, want %d to %d", i, maxFreeHeaders, maxFreeHeaders+2*headerBatch)
			}
			break
		}
		if len(h) > maxPooledHeader || seen[reflect.ValueOf(h).Pointer()] {
			t.Fatalf("map %d: %d names, lent before: %v", i, len(h), seen[reflect.ValueOf(h).Pointer()])
		}
		seen[reflect.ValueOf(h).Pointer()] = true
	}
	for _, r := range readers {
		if h := r(); h != nil {
			t.Fatalf("a map lent from an empty pool: %v", h)
		}
	}
}

// A reader's allocs may be called from several goroutines at once (a reader that
// parses in parallel): no two bodies or maps lent are the same (go test -race).
func TestReaderAllocsAreSafeForConcurrentUse(t *testing.T) {
	p := &bodyPool{}
	for range 64 {
		p.done(contract.Exchange{RequestHeader: http.Header{}, ResponseHeader: http.Header{}})
	}
	alloc, header := p.readerAlloc(), p.takeHeader
	results := make(chan []byte, 4*200)
	maps := make(chan http.Header, 4*200)
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				b := alloc(1 + (g*200+i)%100)
				for j := range b {
					b[j] = byte(g)
				}
				results <- b
				maps <- header()
			}
		}()
	}
	for range 4 {
		<-done
	}
	close(results)
	close(maps)
	for b := range results {
		for _, c := range b {
			if c != b[0] {
				t.Fatalf("a body written by two goroutines: %v", b)
			}
		}
	}
	seen := map[uintptr]bool{}
	for h := range maps {
		if h == nil {
			continue
		}
		if k := reflect.ValueOf(h).Pointer(); seen[k] {
			t.Fatal("a map lent twice")
		} else {
			seen[k] = true
		}
	}
	// Kept maps sit in per-P batches, a sync.Pool's, which the race detector has drop
	// some of what is put: not every one of the 128 is lent then, and none twice.
	if len(seen) == 0 && !raceEnabled || len(seen) > 128 {
		t.Errorf("%d maps lent, want some of the 128 kept", len(seen))
	}
}
