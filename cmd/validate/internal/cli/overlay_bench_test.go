package cli

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/orgapis/orgapis/specs"
)

// manyActions is an overlay of n actions on the Apollo spec, as a long propose run
// writes them: each adds a member to one schema's properties (the mapping grows to n
// keys), every tenth removes one added before, and every hundredth merges into a
// member deep in an operation.
func manyActions(n int) string {
	var b strings.Builder
	b.WriteString("overlay: 1.0.0\ninfo: {title: t, version: \"1\"}\nactions:\n")
	b.WriteString("  - target: $.components\n    update:\n      schemas:\n        Grown:\n          type: object\n          properties: {}\n")
	for i := 1; i < n; i++ {
		switch {
		case i%100 == 0:
			fmt.Fprintf(&b, "  - target: \"$['paths']['/organizations/enrich']['get']\"\n    update:\n      x-seen-%d: true\n", i)
		case i%10 == 0:
			fmt.Fprintf(&b, "  - target: \"$['components']['schemas']['Grown']['properties']['m%d']\"\n    remove: true\n", i-5)
		default:
			fmt.Fprintf(&b, "  - target: \"$['components']['schemas']['Grown']['properties']\"\n    update:\n      m%d: {type: string, description: \"from traffic\"}\n", i)
		}
	}
	return b.String()
}

// oneUpdate is an overlay of one update that merges n keys into one mapping.
func oneUpdate(n int) string {
	var b strings.Builder
	b.WriteString("overlay: 1.0.0\ninfo: {title: t, version: \"1\"}\nactions:\n  - target: $.info\n    update:\n")
	for i := range n {
		fmt.Fprintf(&b, "      x-k%d: %d\n", i, i)
	}
	return b.String()
}

// BenchmarkOverlay is the time to apply an overlay to the Apollo spec: linear in the
// number of actions and in the keys of one update (BENCHMARKS.md).
func BenchmarkOverlay(b *testing.B) {
	for _, c := range []struct {
		name string
		src  string
	}{
		{"actions=10000", manyActions(10_000)},
		{"actions=100000", manyActions(100_000)},
		{"keys=5000", oneUpdate(5_000)},
		{"keys=50000", oneUpdate(50_000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			ov := parseOverlay(b, c.src)
			for b.Loop() {
				b.StopTimer()
				root := specNode(b, specs.Apollo)
				runtime.GC() // the last run's garbage is not this run's time
				b.StartTimer()
				if err := applyOverlay(ov, root); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOverlayBefore is overlay's own ApplyToStrict on the same inputs, the way
// overlays were applied before: quadratic. Run it with -bench OverlayBefore to compare.
func BenchmarkOverlayBefore(b *testing.B) {
	for _, c := range []struct {
		name string
		src  string
	}{
		{"actions=3000", manyActions(3_000)},
		{"actions=10000", manyActions(10_000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			ov := parseOverlay(b, c.src)
			for b.Loop() {
				b.StopTimer()
				root := specNode(b, specs.Apollo)
				b.StartTimer()
				if _, err := ov.ApplyToStrict(root); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The overlays the benchmark applies come out the same through both appliers.
func TestBenchmarkOverlaysAgree(t *testing.T) {
	for _, src := range []string{manyActions(500), oneUpdate(300)} {
		mine, theirs := specNode(t, specs.Apollo), specNode(t, specs.Apollo)
		if err := applyOverlay(parseOverlay(t, src), mine); err != nil {
			t.Fatal(err)
		}
		if _, err := parseOverlay(t, src).ApplyToStrict(theirs); err != nil {
			t.Fatal(err)
		}
		a, _ := yaml.Marshal(mine)
		c, _ := yaml.Marshal(theirs)
		if string(a) != string(c) {
			t.Errorf("documents differ: %s", firstDiff(string(a), string(c)))
		}
		if !strings.Contains(string(a), "m499") && !strings.Contains(string(a), "x-k299") {
			t.Error("nothing was applied")
		}
	}
}
