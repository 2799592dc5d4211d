package cli

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/internal/spectest"
	"github.com/orgapis/orgapis/specs"
)

// versionHAR is a HAR of n v2 whoami exchanges that conform to the spec, each sent
// with version (none for ""), and one v1 exchange, which has no version.
func versionHAR(t *testing.T, n int, version string) string {
	t.Helper()
	body, err := spectest.Example(specs.Affinity, "getWhoAmIV2", "200", "")
	if err != nil {
		t.Fatal(err)
	}
	v1, err := spectest.Example(specs.Affinity, "getRateLimit", "200", "")
	if err != nil {
		t.Fatal(err)
	}
	entry := func(url string, body []byte, sent bool) map[string]any {
		headers := []map[string]string{{"name": "Authorization", "value": "Bearer recorded-key"}}
		if sent {
			headers = append(headers, map[string]string{"name": "x-affinity-api-version", "value": version})
		}
		return map[string]any{
			"request": map[string]any{"method": "GET", "url": url, "httpVersion": "HTTP/2", "headers": headers,
				"queryString": []any{}, "cookies": []any{}, "headersSize": -1, "bodySize": -1},
			"response": map[string]any{"status": 200, "statusText": "", "httpVersion": "HTTP/2",
				"headers": []map[string]string{{"name": "Content-Type", "value": "application/json"}}, "cookies": []any{},
				"content":     map[string]any{"size": len(body), "mimeType": "application/json", "text": string(body)},
				"redirectURL": "", "headersSize": -1, "bodySize": -1},
			"startedDateTime": "2026-12-05T12:00:00Z", "time": 1, "cache": map[string]any{}, "timings": map[string]any{"send": 0, "wait": 1, "receive": 0},
		}
	}
	entries := []any{entry("https://api.affinity.co/rate-limit", v1, version != "")}
	for range n {
		entries = append(entries, entry("https://api.affinity.co/v2/auth/whoami", body, version != ""))
	}
	b, err := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "test", "version": "1"}, "entries": entries}})
	if err != nil {
		t.Fatal(err)
	}
	return write(t, filepath.Join(t.TempDir(), "versions.har"), string(b))
}

// Traffic of the spec's version gets no note; traffic of another version, or of none,
// gets one for its 50 exchanges, in the text, JSON and SARIF reports, naming the version
// seen and the spec's, while every exchange is still checked (and passes: the note fails
// no run). The v1 exchange, of no version, never counts.
func TestAnotherAPIVersionIsSaidOnce(t *testing.T) {
	for _, c := range []struct {
		sent, wantText string
		notes          int
	}{
		{"2026-09-17", "", 0},
		{"2026-07-15", "affinity: 50 exchanges sent X-Affinity-Api-Version 2026-07-15, but the spec describes 2026-09-17", 1},
		{"", "affinity: 50 exchanges sent no X-Affinity-Api-Version, so were answered by the key's default version, but the spec describes 2026-09-17", 1},
	} {
		t.Run(fmt.Sprintf("sent %q", c.sent), func(t *testing.T) {
			har := versionHAR(t, 50, c.sent)
			code, text, stderr := runIn(t, "", "check", har)
			if code != 0 || !strings.Contains(text, "51 exchanges checked: 51 passed") {
				t.Fatalf("exit %d, stderr %s, report:\n%s", code, stderr, text)
			}
			if got := strings.Count(text, "X-Affinity-Api-Version"); got != c.notes || c.wantText != "" && !strings.Contains(text, c.wantText) {
				t.Errorf("text report names the header %d times, want %d, with %q:\n%s", got, c.notes, c.wantText, text)
			}
			_, out, _ := runIn(t, "", "check", "--format", "json", har)
			var rep JSONReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, `"api_versions":`) || len(rep.Summary.APIVersions) != c.notes {
				t.Fatalf("JSON api_versions = %+v, want %d", rep.Summary.APIVersions, c.notes)
			}
			if c.notes == 1 {
				n := rep.Summary.APIVersions[0]
				if n.API != "affinity" || n.Header != "X-Affinity-Api-Version" || n.Sent != c.sent || n.Spec != "2026-09-17" || n.Exchanges != 50 ||
					!strings.HasSuffix(n.First, "versions.har#1") {
					t.Errorf("JSON note %+v", n)
				}
			}
			_, out, _ = runIn(t, "", "check", "--format", "sarif", har)
			var log struct {
				Runs []struct {
					Invocations []struct {
						Notifications []struct {
							Level   string
							Message struct{ Text string }
						} `json:"toolExecutionNotifications"`
					} `json:"invocations"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(out), &log); err != nil {
				t.Fatal(err)
			}
			notes := 0
			for _, inv := range log.Runs[0].Invocations {
				for _, n := range inv.Notifications {
					if strings.Contains(n.Message.Text, "X-Affinity-Api-Version") && n.Level == "note" {
						notes++
					}
				}
			}
			if notes != c.notes {
				t.Errorf("SARIF has %d version notifications, want %d:\n%s", notes, c.notes, out)
			}
		})
	}
}
