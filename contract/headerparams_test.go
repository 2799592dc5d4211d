package contract

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Request header parameters are checked as query parameters are: a required one
// missing, one that is not of its type, or out of its bounds is a finding located in
// the header and named by it; a conforming one, or an optional one absent, is none.
// A key's value never shows.
func TestRequestHeaderParameters(t *testing.T) {
	v := inputsValidator(t, CheckRequests())
	for _, c := range []struct {
		name   string
		header map[string]string
		want   []string // pointer and found of each finding, in order
	}{
		{"all conform", map[string]string{"X-Count": "3", "X-Tag": "éé", "X-Api-Key": "k-1"}, nil},
		{"only the required one", map[string]string{"X-Count": "0"}, nil},
		{"the required one missing", map[string]string{"X-Tag": "ab"}, []string{"/X-Count (none)"}},
		{"the required one empty", map[string]string{"X-Count": ""}, []string{"/X-Count (none)"}},
		{"not an integer", map[string]string{"X-Count": "three"}, []string{`/X-Count "three"`}},
		{"a fraction", map[string]string{"X-Count": "1.5"}, []string{`/X-Count "1.5"`}},
		{"too long in characters", map[string]string{"X-Count": "1", "X-Tag": "ééé"}, []string{`/X-Tag "ééé"`}},
		{"a key of the wrong shape", map[string]string{"X-Count": "1", "X-Api-Key": "secret-1"}, []string{"/X-Api-Key REDACTED"}},
		{"a header name in another case", map[string]string{"x-count": "3", "x-tag": "abc"}, []string{`/X-Tag "abc"`}},
	} {
		ex := exchange("GET", "https://api.example.test/names", 200, "application/json", `{}`)
		for k, val := range c.header {
			ex.RequestHeader.Set(k, val)
		}
		var got []string
		for _, f := range v.Validate(ex) {
			if f.Kind != KindRequest || f.Location != "header" {
				t.Errorf("%s: %+v, want a request finding in the header", c.name, f)
			}
			if strings.Contains(fmt.Sprintf("%+v", f), "secret-1") {
				t.Errorf("%s: the finding shows the key: %+v", c.name, f)
			}
			got = append(got, f.Pointer+" "+f.Found)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: findings %q, want %q", c.name, got, c.want)
		}
	}
	// Without CheckRequests, the request is not looked at.
	ex := exchange("GET", "https://api.example.test/names", 200, "application/json", `{}`)
	if fs := inputsValidator(t).Validate(ex); len(fs) != 0 {
		t.Errorf("requests unchecked: %+v", fs)
	}
}
