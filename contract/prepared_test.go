package contract

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// exchangeLine is readLog's line of one exchange.
func exchangeLine(ex Exchange) string {
	return readLog(func(yield func(Exchange, error) bool) { yield(ex, nil) })[0]
}

// preparedRead reads file as ReadPrepared does with cfg (a test's chunks), limit and step,
// with a prepare that says the exchange it saw, and checks every value it yields
// against the exchange it comes with. It returns readLog's lines, how many exchanges
// came prepared, and how many times prepare ran.
func preparedRead(t testing.TB, file string, limit, step int, cfg readConfig) (lines []string, ready, calls int) {
	t.Helper()
	var ran atomic.Int64
	slot := &preparedSlot{}
	cfg.prepare = func(ex Exchange) any {
		ran.Add(1)
		if ex.Index != 0 || ex.Line != 0 {
			return fmt.Sprintf("prepare saw index %d line %d", ex.Index, ex.Line)
		}
		return exchangeLine(ex)
	}
	cfg.prepared = slot
	for ex, err := range readHAR("f.har", bytes.NewReader([]byte(file)), limit, step, cfg) {
		line := readLog(func(yield func(Exchange, error) bool) { yield(ex, err) })[0]
		lines = append(lines, line)
		if !slot.ready {
			continue
		}
		if err != nil {
			t.Fatalf("a value came with an error: %v", err)
		}
		ready++
		at := ex
		at.Index, at.Line = 0, 0
		if want := exchangeLine(at); slot.value != want {
			t.Fatalf("entry %d came with the value of another exchange:\n got  %.300s\n want %.300s", ex.Index, slot.value, want)
		}
		*slot = preparedSlot{}
	}
	return lines, ready, int(ran.Load())
}

// ReadPrepared yields what Read does, exchange for exchange and error for error, each
// exchange a parser read with the value prepare gave for that exchange and no other;
// prepare sees no index or line; the values of what a parser read where no entry
// starts (a wrong guess) are dropped with it.
func TestReadPreparedMatchesSequential(t *testing.T) {
	for name, file := range parallelCases(t) {
		want := readLog(readHAR("f.har", strings.NewReader(file), 4000, 64, readConfig{}))
		for _, chunk := range []int64{64, 1024} {
			for _, n := range []int{2, 3} {
				cfg := readOptions([]ReadOption{WithParallel(n), withChunkBytes(chunk, 0)})
				got, ready, calls := preparedRead(t, file, 4000, 64, cfg)
				if !slices.Equal(got, want) {
					t.Fatalf("%s chunk %d parsers %d: differs from Read:\n%s", name, chunk, n, firstDifference(got, want))
				}
				if strings.Contains(file, `"entries":[{`) && len(want) > 2 && ready == 0 {
					t.Errorf("%s chunk %d parsers %d: no exchange came prepared", name, chunk, n)
				}
				if calls < ready {
					t.Errorf("%s: %d values yielded, prepare ran %d times", name, ready, calls)
				}
				if name == "nested entries" && calls == ready {
					t.Errorf("%s chunk %d parsers %d: prepare never ran on a nested entry-like object", name, chunk, n)
				}
			}
		}
	}
}

// On a file read one entry at a time (a pipe, another format) prepare never runs,
// and every exchange says so.
func TestReadPreparedSequentialIsNotReady(t *testing.T) {
	file := parallelCases(t)["one a line"]
	lines := `{"method":"GET","url":"https://api.affinity.co/organizations/1","status":200}` + "\n"
	for name, r := range map[string]io.Reader{
		"stream": io.MultiReader(strings.NewReader(file)), // no ReaderAt
		"jsonl":  strings.NewReader(lines),
	} {
		calls, n := 0, 0
		for p, err := range ReadPrepared(name, r, func(Exchange) int { calls++; return 1 }, WithParallel(4)) {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			n++
			if p.Ready || p.Value != 0 {
				t.Errorf("%s: entry %d ready %v value %d", name, p.Exchange.Index, p.Ready, p.Value)
			}
		}
		if calls != 0 || n == 0 {
			t.Errorf("%s: %d exchanges, prepare ran %d times", name, n, calls)
		}
	}
}

// Through the exported function, on a file parsed in parallel, each exchange comes
// with its own value, in order, its index and line set.
func TestReadPreparedInOrder(t *testing.T) {
	file := parallelCases(t)["pretty headers"]
	want := readLog(ReadHAR("f.har", strings.NewReader(file)))
	var got []string
	ready := 0
	for p, err := range ReadPrepared("f.har", bytes.NewReader([]byte(file)), func(ex Exchange) string { return ex.URL.String() },
		WithParallel(3), withChunkBytes(2000, 0)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, exchangeLine(p.Exchange))
		if p.Ready {
			ready++
			if p.Value != p.Exchange.URL.String() {
				t.Fatalf("entry %d: value %q, want %q", p.Exchange.Index, p.Value, p.Exchange.URL)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("differs from ReadHAR:\n%s", firstDifference(got, want))
	}
	if ready < len(want)/2 {
		t.Errorf("%d of %d exchanges prepared by the parsers", ready, len(want))
	}
}

// A panic in prepare on a parser's goroutine does not end the program there: it is
// raised on the caller's goroutine, with its value, when that exchange comes, after
// the exchanges before it.
func TestReadPreparedCarriesAPanic(t *testing.T) {
	file := parallelCases(t)["one a line"]
	var seen []int
	got := func() (v any) {
		defer func() { v = recover() }()
		for p, err := range ReadPrepared("f.har", bytes.NewReader([]byte(file)), func(ex Exchange) int {
			if strings.HasSuffix(ex.URL.Path, "/organizations/40") {
				panic("prepare broke on 40")
			}
			return 1
		}, WithParallel(2), withChunkBytes(1024, 0)) {
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, p.Exchange.Index)
		}
		return nil
	}()
	if got != "prepare broke on 40" || len(seen) != 40 || seen[39] != 39 {
		t.Fatalf("recovered %v after %d exchanges", got, len(seen))
	}
}

// sized is a prepared value that says how many bytes it holds.
type sized int

func (s sized) Size() int { return int(s) }

// A value's Size counts against what a parser holds ahead: values past the bound have
// the rest of a chunk read as the caller takes it (not prepared), the exchanges the
// same either way; small values change nothing.
func TestReadPreparedCountsValueSizes(t *testing.T) {
	file := parallelCases(t)["one a line"]
	want := readLog(readHAR("f.har", strings.NewReader(file), maxEntryBytes, windowRead, readConfig{}))
	for _, tc := range []struct {
		size     sized
		fallback bool
	}{{0, false}, {100, false}, {1 << 20, true}} {
		stats := &parallelStats{}
		var got []string
		ready := 0
		for p, err := range ReadPrepared("f.har", bytes.NewReader([]byte(file)), func(Exchange) sized { return tc.size },
			WithParallel(2), withChunkBytes(4096, 256<<10), func(c *readConfig) { c.stats = stats }) {
			got = append(got, readLog(func(yield func(Exchange, error) bool) { yield(p.Exchange, err) })[0])
			if p.Ready {
				ready++
				if p.Value != tc.size {
					t.Fatalf("size %d: value %d", tc.size, p.Value)
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("size %d: differs:\n%s", tc.size, firstDifference(got, want))
		}
		if (stats.fallback > 0) != tc.fallback || ready != stats.parsed || ready == 0 {
			t.Errorf("size %d: %d prepared, %+v", tc.size, ready, *stats)
		}
	}
}
