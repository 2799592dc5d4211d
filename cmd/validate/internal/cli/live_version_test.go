package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
)

// validate live sends the pinned version in every v2 request it makes (through
// affinity.Client, reads by Do included) and in no v1 one, and records it: each v2
// entry of the recording carries it, request and answer, so that a replay of the
// recording says nothing of versions.
func TestLiveSendsAndRecordsThePinnedVersion(t *testing.T) {
	fake := affinitytest.NewServer(liveKey, affinitytest.WithTest(t))
	defer fake.Close()
	fake.Generate(3)
	fake.GenerateList("Deal Flow", 3, 2)
	rec := filepath.Join(t.TempDir(), "live.har")
	code, out, stderr := live(t, map[string]string{"AFFINITY_API_KEY": liveKey},
		"--api", "affinity", "--base-url", fake.URL, "--max-pages", "1", "--record", rec)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	v1, v2 := 0, 0
	for _, r := range fake.Requests() {
		switch {
		case strings.HasPrefix(r.Path, "/v2/") && r.APIVersion == affinity.APIVersion:
			v2++
		case !strings.HasPrefix(r.Path, "/v2/") && r.APIVersion == "":
			v1++
		default:
			t.Errorf("%s %s sent version %q", r.Method, r.Path, r.APIVersion)
		}
	}
	if v1 < 10 || v2 < 10 {
		t.Errorf("%d v1 and %d v2 requests, want at least 10 of each", v1, v2)
	}
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	var har struct {
		Log struct {
			Entries []struct {
				Request struct {
					URL     string `json:"url"`
					Headers []struct{ Name, Value string }
				} `json:"request"`
				Response struct {
					Headers []struct{ Name, Value string }
				} `json:"response"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &har); err != nil {
		t.Fatal(err)
	}
	recorded := 0
	for _, e := range har.Log.Entries {
		version := func(hs []struct{ Name, Value string }) string {
			for _, h := range hs {
				if strings.EqualFold(h.Name, affinity.APIVersionHeader) {
					return h.Value
				}
			}
			return ""
		}
		want := ""
		if strings.Contains(e.Request.URL, "/v2/") {
			want = affinity.APIVersion
			recorded++
		}
		if got, answered := version(e.Request.Headers), version(e.Response.Headers); got != want || answered != want {
			t.Errorf("%s recorded with version %q, answered as %q; want %q", e.Request.URL, got, answered, want)
		}
	}
	if recorded != v2 {
		t.Errorf("%d v2 entries recorded, %d v2 requests sent", recorded, v2)
	}
	var replay, errOut bytes.Buffer
	if code := Run(t.Context(), []string{"--api", "affinity", rec}, nil, &replay, &errOut); code != 0 ||
		strings.Contains(replay.String(), "other API versions") || strings.Contains(replay.String(), affinity.APIVersionHeader) {
		t.Errorf("replaying the recording: exit %d\n%s%s", code, replay.String(), errOut.String())
	}
}
