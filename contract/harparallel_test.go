package contract

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// readLog is everything a reader yields, one line per exchange or error, for
// comparing two readers.
func readLog(seq func(func(Exchange, error) bool)) []string {
	var out []string
	for ex, err := range seq {
		if err != nil {
			out = append(out, "error: "+err.Error())
			continue
		}
		var h []string
		for _, hs := range []map[string][]string{ex.RequestHeader, ex.ResponseHeader} {
			var one []string
			for k, v := range hs {
				one = append(one, fmt.Sprintf("%q=%q", k, v))
			}
			slices.Sort(one)
			h = append(h, strings.Join(one, ","))
		}
		out = append(out, fmt.Sprintf("%s #%d line %d %s %s %d api=%q req[%s] %q resp[%s] %q", ex.Source, ex.Index, ex.Line, ex.Method, ex.URL, ex.Status, ex.API, h[0], ex.RequestBody, h[1], ex.ResponseBody))
	}
	return out
}

// sizedReaderAt is a ReaderAt with a size, that counts the calls of ReadAt, so that a
// test knows the parallel reader was used.
type sizedReaderAt struct {
	*bytes.Reader
	readAts atomic.Int64
}

func (r *sizedReaderAt) ReadAt(b []byte, off int64) (int, error) {
	r.readAts.Add(1)
	return r.Reader.ReadAt(b, off)
}

// entryJSON is a conforming entry with a body of n bytes.
func entryJSON(i, n int) string {
	body := fmt.Sprintf(`{"id":%d,"pad":"%s"}`, i, strings.Repeat("é", n/2))
	text := strings.ReplaceAll(strings.ReplaceAll(body, `\`, `\\`), `"`, `\"`)
	return fmt.Sprintf(`{"request":{"method":"GET","url":"https://api.affinity.co/organizations/%d","headers":[{"name":"Accept","value":"application/json"}]},"response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"},{"name":"X-N","value":"%d"}],"content":{"mimeType":"application/json","text":"%s"}}}`, i, i, text)
}

func harFile(entries []string, sep string) string {
	return `{"log":{"version":"1.2","creator":{"name":"t"},"entries":[` + strings.Join(entries, sep) + "]}}\n"
}

// parallelCases are HAR files that a parallel reader could get wrong: every place
// its guesses of where an entry starts can be fooled, every way reading stops.
func parallelCases(t testing.TB) map[string]string {
	var many []string
	for i := range 80 {
		many = append(many, entryJSON(i, i*37%300))
	}
	nested := slices.Clone(many)
	for i := 3; i < len(nested); i += 7 {
		// A member that holds what reads as an entry, followed by ']'.
		nested[i] = strings.Replace(nested[i], `{"request"`, `{"_x":[`+entryJSON(1000+i, 10)+`,`+entryJSON(2000+i, 10)+`],"request"`, 1)
	}
	tricky := slices.Clone(many)
	for i := 2; i < len(tricky); i += 5 {
		tricky[i] = strings.Replace(tricky[i], `{"request"`, `{"comment":"a,{","_y":"b ,  {\"request\":1}, {","request"`, 1)
	}
	pretty := slices.Clone(many)
	for i := range pretty {
		pretty[i] = strings.ReplaceAll(strings.ReplaceAll(pretty[i], `},{`, "},\n        {"), `[{`, "[\n        {")
	}
	large := slices.Clone(many)
	large[30] = entryJSON(30, 20000)
	large[31] = entryJSON(31, 9000)
	broken := slices.Clone(many)
	broken[60] = `{"request":{"method":"GET",,"url":"x"},"response":{"status":200}}`
	brokenSep := slices.Clone(many)
	brokenSep[40] += ` x `
	wrong := slices.Clone(many)
	wrong[10] = `{"request":{"method":["GET"],"url":"x"},"response":{"status":200}}`
	wrong[11] = `12345678`
	wrong[12] = `{}`
	wrong[13] = `{"request":{"method":"GET","url":"https://api.affinity.co/x"},"response":{"status":200,"content":{"text":"` + strings.Repeat("y", 5000) + `"}}}`
	wrong[14] = `{"request":{"method":"GET","url":"https://api.affinity.co/x"},"response":null}`
	wrong[15] = `{"request":{"method":"GET","url":"https://api.affinity.co/x","headers":[{"name":"A","value":"b"}]},"response":{"status":200},"comment":"orgapis:api=affinity orgapis:unchecked=too large"}`
	full := harFile(many, ",\n")
	cases := map[string]string{
		"one line":            harFile(many, ","),
		"one a line":          full,
		"crlf":                strings.ReplaceAll(full, "\n", "\r\n"),
		"bom":                 "\ufeff" + full,
		"nested entries":      harFile(nested, ",\n"),
		"strings like starts": harFile(tricky, ", "),
		"pretty headers":      harFile(pretty, ",\n    "),
		"entry over chunks":   harFile(large, ","),
		"broken mid-file":     harFile(broken, ",\n"),
		"broken separator":    harFile(brokenSep, ",\n"),
		"wrong entries":       harFile(wrong, ",\n"),
		"truncated":           full[:len(full)*2/3],
		"truncated after ,":   harFile(many[:50], ",")[:0] + `{"log":{"entries":[` + strings.Join(many[:50], ",") + `,  `,
		"empty entries":       `{"log":{"entries":[ ]}}`,
		"junk after ]":        `{"log":{"entries":[` + strings.Join(many[:30], ",") + `] junk, {"request":`,
		"no entries":          `{"log":{"version":"1.2"}}`,
		"not a HAR":           `[1,2]`,
		"one entry":           harFile(many[:1], ","),
		"spaces before first": `{"log":{"entries":[` + strings.Repeat(" \n", 3000) + strings.Join(many[:40], ",") + "]}}",
	}
	window, _ := windowCase(2000)
	cases["window case"] = window
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "recordings", "*.har"))
	for _, path := range seeds {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		cases[path] = string(b)
	}
	return cases
}

// The parallel reader yields exactly what the sequential one does, exchange for
// exchange and error for error, however small its chunks, however many parsers, with
// a window of any step, an entry limit that some entries pass, and bodies from a
// shared allocator.
func TestParallelHARMatchesSequential(t *testing.T) {
	for name, file := range parallelCases(t) {
		for _, step := range []int{64, windowRead} {
			const limit = 4000
			want := readLog(readHAR("f.har", strings.NewReader(file), limit, step, readConfig{}))
			for _, chunk := range []int64{7, 64, 1024, 1 << 20} {
				for _, n := range []int{2, 3} {
					held := int64(0)
					if n == 3 {
						held = 3000 // parsers stop early, the committer reads on
					}
					t.Run(fmt.Sprintf("%s step %d chunk %d parsers %d held %d", name, step, chunk, n, held), func(t *testing.T) {
						r := &sizedReaderAt{Reader: bytes.NewReader([]byte(file))}
						stats := &parallelStats{}
						var pool syncPool
						cfg := readOptions([]ReadOption{WithParallel(n), withChunkBytes(chunk, held), WithBodyAlloc(pool.alloc)})
						cfg.stats = stats
						got := readLog(readHAR("f.har", r, limit, step, cfg))
						if !slices.Equal(got, want) {
							t.Fatalf("parallel read differs:\n%s", firstDifference(got, want))
						}
						if strings.Contains(file, `"entries":[{`) && r.readAts.Load() == 0 {
							t.Fatal("the parallel reader was not used")
						}
					})
				}
			}
		}
	}
}

// syncPool is a body allocator safe for several goroutines, as cmd/validate's is.
type syncPool struct{}

func (syncPool) alloc(n int) []byte { return make([]byte, n) }

func firstDifference(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("item %d (of %d got, %d wanted):\n got  %.400s\n want %.400s", i, len(got), len(want), g, w)
		}
	}
	return "equal"
}

// On a well-formed file every entry comes from a parser: the guesses of where
// entries start hold, or a parser that guessed wrong (an entry-like object nested in
// an entry, strings that look like an entry's start) went on to the next guess in
// its chunk, and the committer reads none itself. Entries that cannot be read are
// never a parser's first guess: when one starts a chunk, the committer reads it, and
// still yields what the sequential reader does (TestParallelHARMatchesSequential).
func TestParallelHARGuessesHold(t *testing.T) {
	cases := parallelCases(t)
	for _, tc := range []struct {
		name     string
		fallback bool
		chunk    int64
	}{{"one a line", false, 512}, {"pretty headers", false, 512}, {"strings like starts", false, 512}, {"nested entries", false, 512}, {"wrong entries", true, 7}} {
		stats := &parallelStats{}
		cfg := readOptions([]ReadOption{WithParallel(2), withChunkBytes(tc.chunk, 0)})
		cfg.stats = stats
		n := len(readLog(readHAR("f.har", strings.NewReader(cases[tc.name]), maxEntryBytes, windowRead, cfg)))
		if n != 80 || stats.parsed+stats.fallback != 80 {
			t.Fatalf("%s: %d yielded, %+v", tc.name, n, *stats)
		}
		if (stats.fallback > 0) != tc.fallback {
			t.Errorf("%s: %d of 80 entries read by the committer", tc.name, stats.fallback)
		}
	}
}

// A file opened with os.Open is read in parallel from its position, through Read's
// sniffing too; a pipe is read sequentially.
func TestParallelHARFromFile(t *testing.T) {
	file := parallelCases(t)["one a line"]
	want := readLog(ReadHAR("f.har", strings.NewReader(file)))
	path := filepath.Join(t.TempDir(), "f.har")
	prefix := "0123456789"
	if err := os.WriteFile(path, []byte(prefix+file), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, viaRead := range []bool{false, true} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Seek(int64(len(prefix)), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		stats := &parallelStats{}
		opts := []ReadOption{WithParallel(2), withChunkBytes(1000, 0), func(c *readConfig) { c.stats = stats }}
		seq := ReadHAR("f.har", f, opts...)
		if viaRead {
			seq = Read("f.har", f, opts...)
		}
		got := readLog(seq)
		f.Close()
		if !slices.Equal(got, want) {
			t.Fatalf("read via Read %v differs:\n%s", viaRead, firstDifference(got, want))
		}
		if stats.parsed == 0 {
			t.Errorf("read via Read %v: not read in parallel: %+v", viaRead, *stats)
		}
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_, _ = io.WriteString(pw, file)
		pw.Close()
	}()
	stats := &parallelStats{}
	got := readLog(Read("f.har", pr, WithParallel(2), func(c *readConfig) { c.stats = stats }))
	pr.Close()
	if !slices.Equal(got, want) || stats.parsed+stats.fallback != 0 {
		t.Fatalf("pipe: %+v\n%s", *stats, firstDifference(got, want))
	}
}

// A caller that stops early leaves no parser running.
func TestParallelHARStopsItsParsers(t *testing.T) {
	file := parallelCases(t)["one a line"]
	before := runtime.NumGoroutine()
	n := 0
	for range ReadHAR("f.har", strings.NewReader(file), WithParallel(4), withChunkBytes(256, 0)) {
		if n++; n == 20 {
			break
		}
	}
	// The reader waits for its goroutines (wg.Wait), but a goroutine that has run
	// wg.Done is still counted for the moment it takes to end: a leaked one stays, so
	// the count is read again until it falls back or a generous bound passes.
	after := runtime.NumGoroutine()
	for deadline := time.Now().Add(5 * time.Second); after > before && time.Now().Before(deadline); after = runtime.NumGoroutine() {
		time.Sleep(time.Millisecond)
	}
	if after > before {
		t.Fatalf("%d goroutines before, %d after", before, after)
	}
}

func FuzzParallelHARMatchesSequential(f *testing.F) {
	for _, file := range parallelCases(f) {
		if len(file) < 64<<10 {
			f.Add([]byte(file), uint16(64), uint16(0))
		}
	}
	f.Add([]byte(harFile([]string{entryJSON(1, 10), `{"_x":[` + entryJSON(2, 3) + `],"request":{"method":"GET","url":"https://a/b"},"response":{"status":200}}`, entryJSON(3, 10)}, ",")), uint16(50), uint16(3))
	f.Fuzz(func(t *testing.T, data []byte, chunk, held uint16) {
		const limit = 2000
		want := readLog(readHAR("f.har", bytes.NewReader(data), limit, 64, readConfig{}))
		cfg := readOptions([]ReadOption{WithParallel(3), withChunkBytes(int64(chunk%2048)+1, int64(held)*64)})
		got, _, _ := preparedRead(t, string(data), limit, 64, cfg) // each value with its own exchange
		if !slices.Equal(got, want) {
			t.Fatalf("parallel read differs:\n%s", firstDifference(got, want))
		}
	})
}

// A chunk of small entries whose bodies decompress to much more is parsed only up to
// the bodies a parser may hold; the committer reads the rest as the caller takes
// them, and the exchanges are still the sequential reader's.
func TestParallelHARBoundsBodiesHeld(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write([]byte(`{"pad":"` + strings.Repeat("a", 200<<10) + `"}`))
	_ = zw.Close()
	text := base64.StdEncoding.EncodeToString(zipped.Bytes())
	var entries []string
	for i := range 60 {
		entries = append(entries, fmt.Sprintf(`{"request":{"method":"GET","url":"https://api.affinity.co/x/%d"},"response":{"status":200,"headers":[{"name":"Content-Encoding","value":"gzip"}],"content":{"encoding":"base64","text":"%s"}}}`, i, text))
	}
	file := harFile(entries, ",\n")
	if len(file) > 64<<10 {
		t.Fatalf("%d bytes: want one chunk", len(file))
	}
	want := readLog(readHAR("f.har", strings.NewReader(file), maxEntryBytes, windowRead, readConfig{}))
	stats := &parallelStats{}
	cfg := readOptions([]ReadOption{WithParallel(2), withChunkBytes(16<<10, 1<<20)})
	cfg.stats = stats
	got := readLog(readHAR("f.har", strings.NewReader(file), maxEntryBytes, windowRead, cfg))
	if !slices.Equal(got, want) {
		t.Fatalf("parallel read differs:\n%s", firstDifference(got, want))
	}
	// Chunks of 16 KiB hold about 15 entries, 3 MiB of bodies: 5 are taken, the
	// rest read by the committer.
	if stats.parsed == 0 || stats.fallback < 30 {
		t.Errorf("entries parsed %d, read by the committer %d: want the parsers held to 1 MiB a chunk", stats.parsed, stats.fallback)
	}
}

// A great many tiny entries are held to the same bound, each counted as
// harRecordBytes: a file of {} (none of them an exchange, none a likely start) is
// parsed in part by the first chunk's parser, and the rest read by the committer.
func TestParallelHARBoundsTinyEntriesHeld(t *testing.T) {
	file := `{"log":{"entries":[` + strings.Repeat(`{},`, 20000) + `{}]}}`
	want := readLog(readHAR("f.har", strings.NewReader(file), maxEntryBytes, windowRead, readConfig{}))
	stats := &parallelStats{}
	cfg := readOptions([]ReadOption{WithParallel(2), withChunkBytes(1<<20, 64*harRecordBytes)})
	cfg.stats = stats
	got := readLog(readHAR("f.har", strings.NewReader(file), maxEntryBytes, windowRead, cfg))
	if !slices.Equal(got, want) || len(got) != 20001 {
		t.Fatalf("parallel read differs (%d read):\n%s", len(got), firstDifference(got, want))
	}
	if stats.parsed != 64 || stats.fallback != 20001-64 {
		t.Errorf("entries parsed %d, read by the committer %d: want 64 parsed", stats.parsed, stats.fallback)
	}
}
