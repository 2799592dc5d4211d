package httpcore

import (
	"net/url"
	"strings"
	"testing"
)

// Every way out of the base path is refused; paths that stay in it, however spelled,
// are joined to it with their escapes kept.
func TestResolveKeepsPathsUnderTheBase(t *testing.T) {
	for _, base := range []string{"https://api.example.test", "https://api.example.test/api/v1", "https://api.example.test/api/v1/"} {
		prefix := strings.TrimSuffix(strings.TrimPrefix(base, "https://api.example.test"), "/")
		for _, tc := range []struct{ path, want string }{
			{"organizations/5", prefix + "/organizations/5"},
			{"/organizations/5", prefix + "/organizations/5"},
			{"v2/lists?limit=5", prefix + "/v2/lists?limit=5"},
			{"organizations/café", prefix + "/organizations/caf%C3%A9"},
			{"organizations/caf%C3%A9", prefix + "/organizations/caf%C3%A9"},
			{"a/b%2Fc", prefix + "/a/b%2Fc"},
			{"a/..b/c.", prefix + "/a/..b/c."}, // dots inside a name are a name
			{"a/50%25", prefix + "/a/50%25"},   // a "%" that decodes to nothing more
			{"a/b:c", prefix + "/a/b:c"},       // a colon after the first segment
			{"a%3Ab", prefix + "/a%3Ab"},       // and in it, escaped
		} {
			u, err := Resolve(base, tc.path)
			if err != nil {
				t.Errorf("%s + %q: %v", base, tc.path, err)
				continue
			}
			if got := strings.TrimPrefix(u.String(), "https://api.example.test"); got != tc.want {
				t.Errorf("%s + %q = %s, want %s", base, tc.path, got, tc.want)
			}
		}
		for _, path := range []string{
			"", " ",
			"https://evil.example/x", "http://api.example.test/x", "HTTPS://evil.example", "mailto:x", "a:b",
			"//evil.example/x", "///x",
			"..", "../x", "a/../../x", "a/..", "./x", "a/./b",
			"%2e%2e/x", "%2E%2E/x", ".%2e/x", "%2e./x", "a/%2e%2e%2f%2e%2e/x", "a%2f..%2fx",
			"%252e%252e/x", "%25252e%25252e/x", "%2525252e%2525252e/x",
			`a\b`, `..\x`, "a/%5c..", "a%5c%2e%2e",
			"a#frag",
			"a\x00b", "a\nb",
		} {
			if u, err := Resolve(base, path); err == nil {
				t.Errorf("%s + %q = %s, want it refused", base, path, u)
			}
		}
	}
	// A path encoded more times than the bound is refused, not trusted.
	deep := "x"
	for range maxUnescapes + 2 {
		deep = url.PathEscape(deep + "/")
	}
	if _, err := Resolve("https://api.example.test", deep); err == nil {
		t.Errorf("%q, encoded %d times, was accepted", deep, maxUnescapes+2)
	}
}
