package cli

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// clientScripts are the clients in other languages that validate proxy checks: each
// an interpreter, a module it needs, and its script in testdata/proxy.
var clientScripts = []struct {
	name, interpreter, probe, script string
}{
	{"python-requests", "python3", "import requests", "client.py"},
	{"node-fetch", "node", "if (typeof fetch !== 'function') process.exit(1)", "client.mjs"},
}

// A Python requests script and a Node fetch script, pointed at validate proxy in front
// of validate mock, have their traffic checked: the answer planted in the mock
// (--faults offspec) is reported with its operation and JSON pointer, each script
// prints what it prints against the mock directly, and the recording replays with
// validate check --requests to the proxy's findings. Without the interpreters the
// test is skipped, unless ORGAPIS_REQUIRE_CLIENT_SCRIPTS=1 (make test sets it).
func TestProxyClientScripts(t *testing.T) {
	for _, c := range clientScripts {
		t.Run(c.name, func(t *testing.T) {
			requireInterpreter(t, c.interpreter, c.probe)
			script, err := filepath.Abs(filepath.Join("testdata", "proxy", c.script))
			if err != nil {
				t.Fatal(err)
			}
			const key = "client-script-key-0123456789"
			mock := []string{"--api", "affinity", "--key", key, "--orgs", "5", "--faults", "offspec"}
			direct := runScript(t, c.interpreter, script, startMockServer(t, mock...).URL, key)

			dir := t.TempDir()
			har, report := filepath.Join(dir, "traffic.har"), filepath.Join(dir, "report.json")
			p := startProxy(t, "--api", "affinity", "--upstream", startMockServer(t, mock...).URL, "--record", har, "--report", "json="+report)
			proxied := runScript(t, c.interpreter, script, p.URL, key)
			if code := p.stop(); code != 1 {
				t.Errorf("proxy exit %d, want 1 (the planted answer): %s", code, p.stderr.String())
			}
			if direct != proxied {
				t.Errorf("the script printed, directly:\n%s\nthrough the proxy:\n%s", direct, proxied)
			}
			if !strings.Contains(direct, `"name": 42`) || !strings.Contains(direct, `"status": 404`) {
				t.Errorf("the script's calls did not reach what they should:\n%s", direct)
			}
			log := p.stderr.String()
			if !strings.Contains(log, "finding: GET /organizations (searchOrganizations): "+har+"#0 200 body /organizations/0/name: expected type string, found 42") {
				t.Errorf("the planted answer was not logged with its operation and pointer:\n%s", log)
			}
			proxiedFindings := reportFindings(t, readFile(t, report))
			var replay bytes.Buffer
			if code := runCheck(t.Context(), []string{"--requests", "--format", "json", har}, nil, &replay, io.Discard); code != 1 {
				t.Fatalf("replay exit %d", code)
			}
			replayed := reportFindings(t, replay.String())
			if len(proxiedFindings) == 0 || strings.Join(proxiedFindings, "\n") != strings.Join(replayed, "\n") {
				t.Errorf("the proxy found:\n%s\nthe replay found:\n%s", strings.Join(proxiedFindings, "\n"), strings.Join(replayed, "\n"))
			}
			for name, text := range map[string]string{"log": log, "report": readFile(t, report), "recording": readFile(t, har), "stdout": p.stdout.String()} {
				if strings.Contains(text, key) {
					t.Errorf("the %s holds the key", name)
				}
			}
		})
	}
}

// requireInterpreter skips the test when interpreter (or what probe checks in it) is
// missing, or fails it when ORGAPIS_REQUIRE_CLIENT_SCRIPTS=1.
func requireInterpreter(t *testing.T, interpreter, probe string) {
	t.Helper()
	flag := "-c"
	if interpreter == "node" {
		flag = "-e"
	}
	path, err := exec.LookPath(resolve(interpreter))
	if err == nil {
		err = exec.Command(path, flag, probe).Run()
	}
	if err == nil {
		return
	}
	if os.Getenv("ORGAPIS_REQUIRE_CLIENT_SCRIPTS") == "1" {
		t.Fatalf("%s (%s) is not usable: %v; ORGAPIS_REQUIRE_CLIENT_SCRIPTS=1 requires it", interpreter, probe, err)
	}
	t.Skipf("%s (%s) is not usable: %v", interpreter, probe, err)
}

// resolve is the interpreter to run: for python3, ORGAPIS_PYTHON when set, which make
// test sets to a Python that has requests (the machine's, or Debian's with its
// python3-requests).
func resolve(interpreter string) string {
	if p := os.Getenv("ORGAPIS_PYTHON"); interpreter == "python3" && p != "" {
		return p
	}
	return interpreter
}

func runScript(t *testing.T, interpreter, script, baseURL, key string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), resolve(interpreter), script, baseURL, key)
	cmd.Env = append(os.Environ(), "NO_PROXY=*", "no_proxy=*", "HTTP_PROXY=", "HTTPS_PROXY=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", interpreter, script, err, stderr.String())
	}
	return string(out)
}
