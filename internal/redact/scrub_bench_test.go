package redact

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// pageBody is an Affinity-like page of n organizations as JSON, with what real pages
// carry that String looks under: non-ASCII names escaped as \u, URLs with % escapes,
// and & in names.
func pageBody(n int) []byte {
	var orgs []string
	for i := range n {
		orgs = append(orgs, fmt.Sprintf(`{"id":%d,"name":"Caf\u00e9 & Co %d","domain":"org%d.example","domains":["org%d.example"],"website":"https://org%d.example/a%%20b?x=1&y=2","crunchbase_uuid":null,"global":false}`, i, i, i, i, i))
	}
	return []byte(`{"organizations":[` + strings.Join(orgs, ",") + `],"next_page_token":"eyJwYXJhbXMiOnsidGVybSI6IiJ9fQ"}`)
}

// BenchmarkScrubBody measures the scrub of a successful body, which httpcore runs on
// every 2xx answer before decoding it, as a share of decoding the same body with
// encoding/json (what the client does with it anyway), both timed in each iteration:
// Bytes (escapes undone under 64 KiB, as for texts a person reads) against Body (the
// known forms only, what httpcore uses).
func BenchmarkScrubBody(b *testing.B) {
	s := NewScrubber("sk-live-0123456789abcdef")
	for _, n := range []int{5, 100, 600} {
		body := pageBody(n)
		for _, scrub := range []struct {
			name string
			f    func([]byte) []byte
		}{{"Bytes", s.Bytes}, {"Body", s.Body}} {
			b.Run(fmt.Sprintf("%s/%dKB", scrub.name, (len(body)+512)>>10), func(b *testing.B) {
				var scrubbing, decoding time.Duration
				for range b.N {
					t0 := time.Now()
					out := scrub.f(body)
					t1 := time.Now()
					var v map[string]any
					if err := json.Unmarshal(out, &v); err != nil {
						b.Fatal(err)
					}
					scrubbing, decoding = scrubbing+t1.Sub(t0), decoding+time.Since(t1)
				}
				b.ReportMetric(float64(scrubbing.Microseconds())/float64(b.N), "scrub-µs")
				b.ReportMetric(float64(scrubbing)/float64(decoding), "scrub/decode")
			})
		}
	}
}

// hostileBody is about size bytes of JSON strings made of escapes of every kind
// String undoes (percent, JSON, pointer, HTML), each a run of runLen bytes, so that
// every layer of decoding changes it again: the most a body can make the scrub undo.
func hostileBody(size, runLen int) []byte {
	const unit = `%2525\\\\~0~0&amp;amp;`
	run := strings.Repeat(unit, max(runLen/len(unit), 2))
	var b strings.Builder
	b.WriteString("[")
	for b.Len() < size {
		b.WriteString(`"` + run + `",`)
	}
	b.WriteString(`""]`)
	return []byte(b.String())
}

// BenchmarkScrubBodyHostile is BenchmarkScrubBody on a hostile 1 MiB body, in runs
// of 44 bytes (a token's length), 4 KiB and 60 KiB: as a share of its JSON decode.
func BenchmarkScrubBodyHostile(b *testing.B) {
	s := NewScrubber("sk-live-0123456789abcdef")
	for _, runLen := range []int{40, 4 << 10, 60 << 10} {
		body := hostileBody(1<<20, runLen)
		b.Run(fmt.Sprintf("run=%d", runLen), func(b *testing.B) {
			var scrubbing, decoding time.Duration
			for range b.N {
				t0 := time.Now()
				out := s.Body(body)
				t1 := time.Now()
				var v []any
				if err := json.Unmarshal(out, &v); err != nil {
					b.Fatal(err)
				}
				scrubbing, decoding = scrubbing+t1.Sub(t0), decoding+time.Since(t1)
			}
			b.ReportMetric(float64(scrubbing.Microseconds())/float64(b.N), "scrub-µs")
			b.ReportMetric(float64(scrubbing)/float64(decoding), "scrub/decode")
		})
	}
}
