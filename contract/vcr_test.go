package contract

import (
	"fmt"
	"strings"
	"testing"
)

// vcrErrs reads a cassette and returns its exchanges' count and its errors.
func vcrErrs(doc string, opts ...ReadOption) (int, []error) {
	n, errs := 0, []error(nil)
	for _, err := range Read("c.yaml", strings.NewReader(doc), opts...) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errs
}

// A cassette of under 1 KB whose aliases would expand to a billion strings is refused
// as one, naming the file, before any interaction is decoded.
func TestCassetteAliasBombRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 2\ninteractions:\n- request: {method: GET, url: \"https://api.affinity.co/x\"}\n  response: {code: 200, body: \"{}\"}\nx0: &x0 [l, l, l, l, l, l, l, l, l, l]\n")
	for i := 1; i < 9; i++ {
		p := fmt.Sprintf("*x%d", i-1)
		fmt.Fprintf(&b, "x%d: &x%d [%s]\n", i, i, strings.Repeat(p+", ", 9)+p)
	}
	doc := b.String()
	if len(doc) >= 1024 {
		t.Fatalf("bomb of %d bytes", len(doc))
	}
	n, errs := vcrErrs(doc)
	if n != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "c.yaml: refused: the cassette: its YAML aliases expand") {
		t.Errorf("%d exchanges, errors %v", n, errs)
	}
}

// Both sides of WithMaxCassetteBytes, and the option says how to raise it.
func TestMaxCassetteBytesBothSides(t *testing.T) {
	doc := "version: 2\ninteractions:\n- request: {method: GET, url: \"https://api.affinity.co/x\"}\n  response: {code: 200, body: \"{}\"}\n"
	if n, errs := vcrErrs(doc, WithMaxCassetteBytes(int64(len(doc)))); n != 1 || errs != nil {
		t.Errorf("at the limit: %d exchanges, %v", n, errs)
	}
	n, errs := vcrErrs(doc, WithMaxCassetteBytes(int64(len(doc)-1)))
	if n != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "raise it with contract.WithMaxCassetteBytes") {
		t.Errorf("over the limit: %d exchanges, %v", n, errs)
	}
	// The option of one read leaves the next at the default.
	if n, errs := vcrErrs(doc); n != 1 || errs != nil {
		t.Errorf("next read: %d exchanges, %v", n, errs)
	}
}
