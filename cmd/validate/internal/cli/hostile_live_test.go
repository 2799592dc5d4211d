package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/specs"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// hostileKey has every character that URL, base64 and JSON encodings treat specially.
const hostileKey = "k+y/s=cr&t~<live>9"

// keyForms are the ways a hostile service echoes the key, and the ways a report or a
// recording could carry it on.
func keyForms() []string {
	quoted, _ := json.Marshal(hostileKey)
	return []string{hostileKey, url.QueryEscape(hostileKey), url.PathEscape(hostileKey), strings.ToLower(url.QueryEscape(hostileKey)),
		base64.StdEncoding.EncodeToString([]byte(":" + hostileKey)), strings.Trim(string(quoted), `"`),
		strings.ReplaceAll(strings.ReplaceAll(hostileKey, "~", "~0"), "/", "~1"),
		html.EscapeString(strings.ReplaceAll(strings.ReplaceAll(hostileKey, "~", "~0"), "/", "~1")), html.EscapeString(hostileKey)}
}

// reportKeyForms are keyForms and each of them as the Markdown report and GitHub's
// annotations escape text.
func reportKeyForms() []string {
	forms := keyForms()
	for _, f := range slices.Clone(forms) {
		forms = append(forms, md(f), escapeProperty(f), escapeData(f))
	}
	return forms
}

// echoingProxy stands in front of the Affinity fake and echoes the key back: as a
// member name of the first field (a strict finding's pointer), URL-escaped in a header
// and in a member value, and as base64 Basic credentials in another header.
func echoingProxy(t *testing.T) string {
	fake := affinitytest.NewServer(hostileKey, affinitytest.WithTest(t))
	t.Cleanup(fake.Close)
	target, _ := url.Parse(fake.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		resp.Header.Set("X-Echo", url.QueryEscape(hostileKey))
		resp.Header.Set("X-Echo-Auth", "Basic "+base64.StdEncoding.EncodeToString([]byte(":"+hostileKey)))
		if resp.Request.URL.Path != "/organizations/fields" {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		var fields []map[string]any
		if err := json.Unmarshal(body, &fields); err != nil || len(fields) == 0 {
			t.Errorf("fields answer %s: %v", body, err)
			return nil
		}
		fields[0][hostileKey] = "echo " + url.QueryEscape(hostileKey)
		out, _ := json.Marshal(fields)
		resp.Body = io.NopCloser(bytes.NewReader(out))
		resp.ContentLength = int64(len(out))
		resp.Header.Set("Content-Length", strconv.Itoa(len(out)))
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// A service that echoes the key in any form gets it into no output: not the report in
// any format, not the messages, not the recording.
func TestLiveKeyEchoedInAnyFormReachesNoOutput(t *testing.T) {
	base := echoingProxy(t)
	for _, format := range reportFormats {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			rec := filepath.Join(dir, "live.har")
			args := []string{"--api", "affinity", "--base-url", base, "--record", rec, "--strict", "--format", format, "--max-pages", "1"}
			files := map[string]string{}
			for _, other := range reportFormats {
				files[other] = filepath.Join(dir, "report."+other)
				args = append(args, "--report", other+"="+files[other])
			}
			code, out, stderr := live(t, map[string]string{"AFFINITY_API_KEY": hostileKey}, args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (findings)\n%s\n%s", code, out, stderr)
			}
			if !strings.Contains(out, "REDACTED") {
				t.Errorf("no finding names the echoed member as REDACTED:\n%s", out)
			}
			data, err := os.ReadFile(rec)
			if err != nil {
				t.Fatal(err)
			}
			texts := map[string]string{"report": out, "messages": stderr, "recording": string(data)}
			for other, path := range files {
				report, err := os.ReadFile(path)
				if err != nil || !strings.Contains(string(report), "REDACTED") {
					t.Errorf("--report %s: %v, or no finding names the member as REDACTED", other, err)
				}
				texts["--report "+other] = string(report)
			}
			for name, text := range texts {
				for _, form := range reportKeyForms() {
					if strings.Contains(text, form) {
						t.Errorf("%s holds the key as %q", name, form)
					}
				}
			}
		})
	}
}

// A service whose window is spent for a day is not waited for: the listing stops with
// a failed call that names the wait, and the run goes on to the other calls at once.
func TestLiveDoesNotWaitOutADaysReset(t *testing.T) {
	fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
	defer fake.Close()
	fake.Generate(600) // two pages
	target, _ := url.Parse(fake.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		resp.Header.Set("X-Ratelimit-Limit-User", "900")
		resp.Header.Set("X-Ratelimit-Limit-User-Remaining", "0")
		resp.Header.Set("X-Ratelimit-Limit-User-Reset", "86400")
		return nil
	}
	srv := httptest.NewServer(proxy)
	defer srv.Close()
	code, out, stderr := live(t, map[string]string{"AFFINITY_API_KEY": liveKey}, "--api", "affinity", "--base-url", srv.URL, "--timeout", "5s", "--max-pages", "3")
	if code != 2 || !strings.Contains(out, "pacing before the next page: the rate limit asks to wait 24h0m0s") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	// One page was read, then every other call was still made.
	pages := 0
	for _, r := range fake.Requests() {
		if r.Path == "/organizations" {
			pages++
		}
	}
	if pages != 1 || !strings.Contains(out, "exchanges checked") {
		t.Errorf("%d organization pages; report:\n%s", pages, out)
	}
}

// A refused key stops the run at the first answer, naming the variable to fix.
func TestLiveStopsAtARefusedKey(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
	}{{"401", http.StatusUnauthorized}, {"403", http.StatusForbidden}} {
		t.Run(c.name, func(t *testing.T) {
			var hits int
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits++
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				w.Write([]byte(`{"message":"no"}`))
			}))
			defer srv.Close()
			code, _, stderr := live(t, map[string]string{"AFFINITY_API_KEY": liveKey}, "--api", "affinity", "--base-url", srv.URL)
			if code != 2 || hits != 1 || !strings.Contains(stderr, "check AFFINITY_API_KEY") || !strings.Contains(stderr, c.name) {
				t.Errorf("exit %d after %d requests; stderr %q", code, hits, stderr)
			}
		})
	}
}

// A first word that is neither a command nor a path says so, and help takes a command.
func TestUnknownCommandAndCommandHelp(t *testing.T) {
	cli(t, nil, "frobnicate").has(t, 2, nil, []string{`unknown command or file "frobnicate"`, "check, live, mock, proxy, propose, diff, spec, help, version"})
	cli(t, nil, "help", "frob").has(t, 2, nil, []string{`unknown command "frob"`})
	for _, c := range []struct{ command, usage string }{{"live", "usage: validate live"}, {"mock", "usage: validate mock"}, {"check", "usage: validate [check]"},
		{"propose", "usage: validate propose"}, {"proxy", "usage: validate proxy"}} {
		cli(t, nil, "help", c.command).has(t, 0, []string{c.usage}, nil)
	}
	// A path that exists is still checked, and a flag first is still a flag.
	cli(t, nil, "testdata/recordings").has(t, 1, nil, nil)
	cli(t, nil, "--format", "json", "testdata/recordings").has(t, 1, nil, nil)
}

// validate live against what validate mock serves reaches every read operation of
// the Affinity spec, each answer conforming.
func TestLiveAgainstTheMockReachesEveryRead(t *testing.T) {
	fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
	defer fake.Close()
	fake.Generate(50)
	affinitySeed{orgLists: 1, personLists: 1, entries: 10, fields: 7, persons: 5}.into(fake)
	code, out, stderr := live(t, map[string]string{"AFFINITY_API_KEY": liveKey}, "--api", "affinity", "--base-url", fake.URL, "--format", "junit", "--strict")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	called := map[string]bool{}
	for _, m := range regexp.MustCompile(`<testsuite name="affinity ([A-Za-z0-9]+)"`).FindAllStringSubmatch(out, -1) {
		called[m[1]] = true
	}
	doc, err := specs.Load(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range doc.Paths.Map() {
		if op := item.Get; op != nil && !called[op.OperationID] {
			t.Errorf("%s was not called", op.OperationID)
		}
	}
}

// The mock's seeding flags are bounded and named.
func TestMockSeedBounds(t *testing.T) {
	for _, c := range []struct {
		seed affinitySeed
		says string
	}{
		{affinitySeed{orgLists: 101}, "--lists 101"},
		{affinitySeed{personLists: -1}, "--person-lists -1"},
		{affinitySeed{entries: 10001}, "--entries 10001"},
		{affinitySeed{fields: 8}, "--fields 8"},
	} {
		if err := c.seed.check(); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%+v: %v", c.seed, err)
		}
	}
	if err := (affinitySeed{orgLists: 100, personLists: 100, entries: 10000, fields: 7}).check(); err != nil {
		t.Errorf("at the bounds: %v", err)
	}
}

// validate spec writes the embedded document byte for byte, to stdout or a file.
func TestSpecCommand(t *testing.T) {
	for _, api := range specs.APIs() {
		want, err := specs.Source(api)
		if err != nil {
			t.Fatal(err)
		}
		r := cli(t, nil, "spec", "--api", string(api))
		if r.code != 0 || r.stdout != string(want) {
			t.Errorf("%s: exit %d, %d bytes, want %d", api, r.code, len(r.stdout), len(want))
		}
		file := filepath.Join(t.TempDir(), "out.yaml")
		if r := cli(t, nil, "spec", "--api", string(api), "-o", file); r.code != 0 {
			t.Errorf("-o: exit %d %s", r.code, r.stderr)
		}
		if got, _ := os.ReadFile(file); string(got) != string(want) {
			t.Errorf("%s: -o wrote %d bytes", api, len(got))
		}
	}
	// --config writes the generator configuration generated/ is made with, beside the
	// document on stdout, and a file it cannot write is an error naming the flag.
	config := filepath.Join(t.TempDir(), "oapi-codegen.yaml")
	want, err := os.ReadFile(filepath.Join(root, "specs", "oapi-codegen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if r := cli(t, nil, "spec", "--api", "apollo", "--config", config); r.code != 0 || !strings.HasPrefix(r.stdout, "openapi: 3.0.3") {
		t.Errorf("--config: exit %d, stdout %.40q, stderr %s", r.code, r.stdout, r.stderr)
	}
	if got, _ := os.ReadFile(config); string(got) != string(want) || len(want) == 0 {
		t.Errorf("--config wrote %d bytes, want specs/oapi-codegen.yaml's %d", len(got), len(want))
	}
	cli(t, nil, "spec", "--api", "apollo", "--config", filepath.Join(t.TempDir(), "no", "dir", "c.yaml")).has(t, 2, nil, []string{"validate spec: --config: "})
	cli(t, nil, "spec").has(t, 2, nil, []string{"--api is required"})
	cli(t, nil, "spec", "--api", "affinity", "-o", filepath.Join(t.TempDir(), "no", "dir", "x.yaml")).has(t, 2, nil, []string{"validate spec: -o: "})
	cli(t, nil, "help", "spec").has(t, 0, []string{"usage: validate spec"}, nil)
}
