package redact

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	cases := map[string]string{
		"https://u:p@api.apollo.io/v1/x?api_key=SECRET&page=2": "https://api.apollo.io/v1/x?api_key=REDACTED&page=2",
		"https://api.affinity.co/organizations?term=a+b":       "https://api.affinity.co/organizations?term=a+b",
		"https://h/x?API_KEY=SECRET":                           "https://h/x?API_KEY=REDACTED",
	}
	for in, want := range cases {
		if got := URLString(in); got != want {
			t.Errorf("URLString(%q) = %q, want %q", in, got, want)
		}
	}
	if got := URLString("http://[::1"); strings.Contains(got, "::1") {
		t.Errorf("unparseable URL printed: %q", got)
	}
}

func TestURLError(t *testing.T) {
	err := URLError(&url.Error{Op: "Get", URL: "https://h/x?api_key=SECRET", Err: errors.New("refused")})
	if strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), Marker) {
		t.Errorf("error = %v", err)
	}
}

func TestIsSecretName(t *testing.T) {
	for _, n := range []string{"api_key", "X-Api-Key", "Authorization", "proxy-authorization", "Cookie", "Set-Cookie"} {
		if !IsSecretName(n) {
			t.Errorf("%s is not secret", n)
		}
	}
	for _, n := range []string{"page", "x-request-id", "api_keys"} {
		if IsSecretName(n) {
			t.Errorf("%s is secret", n)
		}
	}
}
