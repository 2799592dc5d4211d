package contract

import (
	"net/url"
	"reflect"
	"testing"
)

// urlCases reach every rule of simpleURL, on both sides of each.
var urlCases = []string{
	"https://api.affinity.co/organizations/64779194", "https://api.apollo.io/api/v1/mixed_companies/search?q=a%20b&x[]=1",
	"HTTPS://api.affinity.co/x", "https://API.Affinity.CO/x", "https://api.affinity.co", "https://api.affinity.co?", "https://api.affinity.co/?a",
	"https://api.affinity.co:443/x", "https://user@api.affinity.co/x", "https:///x", "https://a/%41", "https://a/x y", "https://a/x?y z",
	"https://a/x?y#f", "https://a/x#f", "https://a/é", "https://a/x?é", "https://a/x\n", "https://a/x?\x7f", "http://[::1]/x", "h2://a/x",
	"mailto:a@b", "/relative", "", "https:", "https://", "https://a/.././x", "https://a//x", "https://a/x/", "https://a/~u_v-w.x",
	"https://a/x?a=b=c&&d", "https://a/x??", "https://a-/x", "https://.a./x", "https://a/x;y", "https://a/x:y", "https://a/(x)",
}

// parseURL gives what url.Parse gives on every case, and takes the simple ones itself.
func TestParseURLAsURLParse(t *testing.T) {
	simple := 0
	for _, raw := range urlCases {
		sameURL(t, raw)
		if _, ok := simpleURL(raw); ok {
			simple++
		}
	}
	if simple < 8 {
		t.Fatalf("only %d cases on the fast path", simple)
	}
}

func sameURL(t *testing.T, raw string) {
	t.Helper()
	got, gotErr := parseURL(raw)
	want, wantErr := url.Parse(raw)
	if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: %#v, %v; url.Parse: %#v, %v", raw, got, gotErr, want, wantErr)
	}
}

// FuzzParseURL holds parseURL to url.Parse on any text.
func FuzzParseURL(f *testing.F) {
	for _, raw := range urlCases {
		f.Add(raw)
	}
	f.Fuzz(sameURL)
}
