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

func TestBody(t *testing.T) {
	cases := map[string]string{
		`{"api_key":"S1","page":1}`:                     `{"api_key":"REDACTED","page":1}`,
		`{"q":{"deep":[{"api_key":"S2"}]},"n":1.50}`:    `{"n":1.50,"q":{"deep":[{"api_key":"REDACTED"}]}}`,
		`[{"X-Api-Key":"S3"}]`:                          `[{"X-Api-Key":"REDACTED"}]`,
		`name=Acme&api_key=S4&person_ids[]=1`:           `api_key=REDACTED&name=Acme&person_ids%5B%5D=1`,
		`not json, api_key=S5; and "api_key": "S6" too`: `not json, api_key=REDACTED; and "api_key": "REDACTED" too`,
		`{"api_key": "S7", broken`:                      `{"api_key": "REDACTED", broken`,
		`{"page":1}`:                                    `{"page":1}`,
		`plain text without secrets`:                    `plain text without secrets`,
		``:                                              ``,
		`[{"api_key": 12345678}]`:                       `[{"api_key":"REDACTED"}]`,
		`{"api_key": 12345678}`:                         `{"api_key":"REDACTED"}`,
		`name=Acme&page=2`:                              `name=Acme&page=2`,
		`{"a":1} trailing api_key=S8`:                   `{"a":1} trailing api_key=REDACTED`,
		"  {\"api_key\":\"S9\"}\n":                      `{"api_key":"REDACTED"}`,
	}
	for in, want := range cases {
		if got := string(Body([]byte(in))); got != want {
			t.Errorf("Body(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestSecret(t *testing.T) {
	str := func(text, secret string) string { return NewScrubber(secret).String(text) }
	byts := func(text, secret string) string { return string(NewScrubber(secret).Bytes([]byte(text))) }
	if got := str("key sk-12345678 echoed", "sk-12345678"); got != "key REDACTED echoed" {
		t.Errorf("Secret = %q", got)
	}
	if got := str("a short one: abc", "abc"); got != "a short one: abc" {
		t.Errorf("a short secret replaced ordinary text: %q", got)
	}
	if got := str("at the limit: 12345678", "12345678"); got != "at the limit: REDACTED" {
		t.Errorf("an eight-character secret was kept: %q", got)
	}
	if got := str("below it: 1234567", "1234567"); got != "below it: 1234567" {
		t.Errorf("a seven-character secret replaced text: %q", got)
	}
	if got := byts("x 1234567", "1234567"); got != "x 1234567" {
		t.Errorf("SecretBytes replaced a seven-character secret: %q", got)
	}
	if got := byts("x 12345678", "12345678"); got != "x REDACTED" {
		t.Errorf("SecretBytes kept an eight-character secret: %q", got)
	}
	if got := byts("nothing here", "sk-12345678"); got != "nothing here" {
		t.Errorf("SecretBytes without a match = %q", got)
	}
	if got := byts("x sk-12345678", "sk-12345678"); got != "x REDACTED" {
		t.Errorf("SecretBytes = %q", got)
	}
}
