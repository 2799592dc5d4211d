package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/orgapis/orgapis/contract"
)

// maxPeakMB is the peak resident set the command must stay under, whatever the number
// of entries, findings or members: the limits say what is kept, not the input.
const maxPeakMB = 200

// writeEntries writes a HAR of n entries, entry(i) each, through a buffer: the file is
// never held in the test's memory.
func writeEntries(t *testing.T, path string, n int, entry func(w *bufio.Writer, i int)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(`{"log":{"version":"1.2","creator":{"name":"bounds","version":"1"},"entries":[`)
	for i := range n {
		if i > 0 {
			w.WriteByte(',')
		}
		entry(w, i)
	}
	w.WriteString("]}}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// driftPaths are undocumented statuses of documented Affinity operations and an
// undocumented endpoint: findings of 6 operations and 2 kinds, so that both the
// per-rule limit and the total one are reached.
var driftPaths = []string{"/organizations", "/organizations/7", "/lists", "/lists/3", "/lists/3/list-entries", "/auth/whoami", "/nowhere/1"}

// realEntry is an exchange with one finding: a status no operation documents, or a
// path no operation has.
func realEntry(w *bufio.Writer, i int) {
	fmt.Fprintf(w, `{"request":{"method":"GET","url":"https://api.affinity.co%s"},"response":{"status":599,"headers":[],"content":{"mimeType":"text/plain","text":""}}}`,
		driftPaths[i%len(driftPaths)])
}

// peakEnv names the file a test binary started as a go-between writes its child's
// peak resident set to (see init).
const peakEnv = "ORGAPIS_TEST_PEAK_RSS_FILE"

// Linux counts in a process's peak resident set the memory of the process that started
// it, as it was at the start (an exec keeps the high-water mark of the address space it
// replaces, which a Go parent shares with the child until then): measured straight from
// a test process that holds hundreds of MB, the command would seem to take as much. So
// the command is started by a go-between, this test binary started afresh (small),
// which runs it, passes its exit code on, and writes its peak to the file peakEnv names.
// The figure is the larger of the command's peak and the go-between's size: an upper
// bound, never less than the command's own.
func init() {
	out := os.Getenv(peakEnv)
	if out == "" {
		return
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, peakEnv+"=") })
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(125)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		os.Exit(125)
	}
	if err := os.WriteFile(out, []byte(strconv.FormatInt(int64(ru.Maxrss), 10)), 0o644); err != nil {
		os.Exit(125)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}

// childRun runs the built command through the go-between (see init) and returns its
// exit code, output and peak resident set in MiB (Linux reports ru_maxrss in KiB).
func childRun(t *testing.T, binary string, args ...string) (int, []byte, string, float64) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("peak resident set in KiB is Linux's")
	}
	peakFile := filepath.Join(t.TempDir(), "peak")
	cmd := exec.Command(os.Args[0], append([]string{binary}, args...)...)
	cmd.Env = append(os.Environ(), peakEnv+"="+peakFile)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	if cmd.ProcessState.ExitCode() == 125 {
		t.Fatalf("the go-between failed: %s", errOut.String())
	}
	raw, err := os.ReadFile(peakFile)
	if err != nil {
		t.Fatalf("no peak written: %v\n%s", err, errOut.String())
	}
	kb, err := strconv.Atoi(string(raw))
	if err != nil || kb <= 0 {
		t.Fatalf("peak %q: %v", raw, err)
	}
	return cmd.ProcessState.ExitCode(), out.Bytes(), errOut.String(), float64(kb) / 1024
}

// A million entries that are not exchanges ({}), and a million exchanges with a
// finding each, stay under maxPeakMB in every report format, and the counts and the
// exit status stay exact: every finding is counted, the first ones are listed, and the
// report says how many it left out and which flags list more.
func TestMillionFindingsPeakMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and checks two million entries (about 40 s on 2 cores)")
	}
	binary := buildCommand(t)
	dir := t.TempDir()
	const n = 1_000_000
	empty, real := filepath.Join(dir, "empty.har"), filepath.Join(dir, "real.har")
	writeEntries(t, empty, n, func(w *bufio.Writer, _ int) { w.WriteString("{}") })
	writeEntries(t, real, n, realEntry)
	for _, c := range []struct {
		file             string
		code             int
		unreadable, fail int
	}{{empty, 2, n, 0}, {real, 1, 0, n}} {
		for _, format := range []string{"text", "json", "sarif"} {
			t.Run(filepath.Base(c.file)+"/"+format, func(t *testing.T) {
				code, out, stderr, mb := childRun(t, binary, "--format", format, c.file)
				t.Logf("validate --format %s %s (%d entries): peak RSS %.1f MiB", format, filepath.Base(c.file), n, mb)
				if mb >= maxPeakMB {
					t.Errorf("peak RSS %.1f MiB, want under %d", mb, maxPeakMB)
				}
				if code != c.code {
					t.Errorf("exit %d, want %d; stderr %.300s", code, c.code, stderr)
				}
				switch format {
				case "text":
					summary := fmt.Sprintf("%d exchanges checked: 0 passed, %d failed", c.fail, c.fail)
					omitted := fmt.Sprintf("%d of %d findings not listed", n-listedOf(c.file, empty), n)
					if !bytes.Contains(out, []byte(summary)) || !bytes.Contains(out, []byte(omitted)) || !bytes.Contains(out, []byte("raise --max-findings")) {
						t.Errorf("text report lacks %q or %q:\n%.2000s", summary, omitted, tail(out))
					}
				case "json":
					var rep JSONReport
					if err := json.Unmarshal(out, &rep); err != nil {
						t.Fatal(err)
					}
					s := rep.Summary
					if s.Findings != n || s.Failed != c.fail || s.Unreadable != c.unreadable || s.OmittedFindings != n-len(rep.Findings) ||
						len(rep.Findings) != listedOf(c.file, empty) || s.MaxFindings != defaultMaxFindings || s.MaxFindingsPerRule != defaultMaxPerRule {
						t.Errorf("summary %+v with %d findings listed", s, len(rep.Findings))
					}
					total := 0
					for _, g := range rep.Groups {
						total += g.Count
					}
					if c.file == real && total != n {
						t.Errorf("groups count %d findings, want every one, %d", total, n)
					}
				case "sarif":
					var log struct {
						Runs []struct {
							Results     []json.RawMessage
							Invocations []struct {
								ToolExecutionNotifications []struct{ Message struct{ Text string } }
							}
						}
					}
					if err := json.Unmarshal(out, &log); err != nil || len(log.Runs) != 1 {
						t.Fatalf("%v", err)
					}
					r := log.Runs[0]
					if len(r.Results) != listedOf(c.file, empty) || len(r.Invocations) != 1 || len(r.Invocations[0].ToolExecutionNotifications) != 1 ||
						!strings.Contains(r.Invocations[0].ToolExecutionNotifications[0].Message.Text, "not listed") {
						t.Errorf("%d results, invocations %+v", len(r.Results), r.Invocations)
					}
				}
			})
		}
	}
}

// listedOf is how many findings a run of the default limits lists: the first 1,000
// of the one rule of unreadable entries; 1,000 of each of the 7 rules of the real ones
// (6 operations' undocumented status, and undocumented endpoints).
func listedOf(file, empty string) int {
	if file == empty {
		return defaultMaxPerRule
	}
	return min(defaultMaxFindings, len(driftPaths)*defaultMaxPerRule)
}

func tail(b []byte) []byte { return b[max(0, len(b)-2000):] }

// Both sides of the limits: a run whose findings just fit keeps every one; one more
// finding than --max-findings, or than --max-findings-per-rule of one rule, leaves out
// exactly the last one, and the counts and the exit status do not change.
func TestFindingLimitsBothSides(t *testing.T) {
	file := filepath.Join(t.TempDir(), "drift.har")
	writeEntries(t, file, 70, realEntry) // 10 findings of each of 7 rules
	for _, c := range []struct {
		args    []string
		omitted int
		last    bool // whether the last entry's finding is listed
	}{
		{[]string{"--max-findings", "70"}, 0, true},
		{[]string{"--max-findings", "69"}, 1, false},
		{[]string{"--max-findings-per-rule", "10"}, 0, true},
		{[]string{"--max-findings-per-rule", "9"}, 7, false},
	} {
		r := cli(t, nil, append([]string{"--format", "json", file}, c.args...)...)
		var rep JSONReport
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("%v: %v\n%s", c.args, err, r.stderr)
		}
		last := len(rep.Findings) > 0 && rep.Findings[len(rep.Findings)-1].Entry == 69
		if r.code != 1 || rep.Summary.Findings != 70 || rep.Summary.Failed != 70 || rep.Summary.OmittedFindings != c.omitted ||
			len(rep.Findings) != 70-c.omitted || last != c.last {
			t.Errorf("%v: exit %d, summary %+v, %d listed, last listed %v", c.args, r.code, rep.Summary, len(rep.Findings), last)
		}
		for i := 1; i < len(rep.Findings); i++ {
			if rep.Findings[i].Entry <= rep.Findings[i-1].Entry {
				t.Errorf("%v: findings out of entry order at %d", c.args, i)
			}
		}
		text := cli(t, nil, append([]string{file}, c.args...)...).stdout
		if says := strings.Contains(text, "not listed"); says != (c.omitted > 0) {
			t.Errorf("%v: text report says what it left out: %v\n%s", c.args, says, text)
		}
	}
	// A baseline written by a run that listed 5 of 70 findings knows all 70: it keeps
	// the entries, not the findings.
	base := filepath.Join(t.TempDir(), "base.txt")
	if r := cli(t, nil, "--max-findings", "5", "--write-baseline", base, file); r.code != 0 || !strings.Contains(r.stdout, "70 findings known") {
		t.Errorf("--write-baseline over the limit: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := cli(t, nil, "--max-findings", "5", "--format", "json", "--baseline", base, file)
	var rep JSONReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 || rep.Summary.Known != 70 || rep.Summary.OmittedFindings != 65 || len(rep.Stale) != 0 {
		t.Errorf("--baseline over the limit: exit %d, %v, summary %+v, stale %q", r.code, err, rep.Summary, rep.Stale)
	}
	if r := cli(t, nil, "--max-findings", "0", file); r.code != 2 || !strings.Contains(r.stderr, "max-findings") {
		t.Errorf("--max-findings 0: exit %d, %s", r.code, r.stderr)
	}
}

// The sample is the one a pass in report order keeps, whatever order the findings
// come in: workers finish in any order.
func TestSampleIndependentOfArrivalOrder(t *testing.T) {
	var fs [][]contract.Finding
	for e := range 60 {
		var batch []contract.Finding
		for k := range e%3 + 1 {
			batch = append(batch, contract.Finding{Source: "a.har", Entry: e, API: "affinity", OperationID: "op" + strconv.Itoa(e%4), Kind: contract.KindBody, Pointer: "/" + strconv.Itoa(k)})
		}
		fs = append(fs, batch)
	}
	run := func(order []int) []contract.Finding {
		s := newFindingSet(findingLimits{max: 25, perRule: 8})
		for _, i := range order {
			s.add(fs[i])
		}
		return s.sample.findings()
	}
	var forward, backward, shuffled []int
	for i := range fs {
		forward = append(forward, i)
		backward = append(backward, len(fs)-1-i)
		shuffled = append(shuffled, (i*37)%len(fs))
	}
	want := run(forward)
	if len(want) != 25 {
		t.Fatalf("kept %d, want 25", len(want))
	}
	perRule := map[string]int{}
	for _, f := range want {
		if perRule[f.OperationID]++; perRule[f.OperationID] > 8 {
			t.Errorf("more than 8 of %s kept", f.OperationID)
		}
	}
	for name, order := range map[string][]int{"backward": backward, "shuffled": shuffled} {
		if got := run(order); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: kept\n%v\nwant\n%v", name, got, want)
		}
	}
}

// Findings that differ only in what was expected stay apart: two lines of the text
// report, two groups of the JSON report, two findings listed.
func TestFindingsApartByExpected(t *testing.T) {
	f := func(entry int, expected string) contract.Finding {
		return contract.Finding{Source: "a.har", Entry: entry, API: "affinity", OperationID: "getOrganization", Method: "GET", Path: "/organizations/{organization_id}",
			Status: 200, Kind: contract.KindBody, Location: "body", Pointer: "/domain", Expected: expected, Found: "42"}
	}
	res := Result{Summary: Summary{Checked: 3, Failed: 3}, Findings: []contract.Finding{f(0, "type string"), f(1, "format hostname"), f(2, "type string")}}
	var text, js bytes.Buffer
	if err := WriteText(&text, res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "2× body /domain: expected type string") || !strings.Contains(text.String(), "expected format hostname, found 42") {
		t.Errorf("text report:\n%s", text.String())
	}
	if err := WriteJSON(&js, res); err != nil {
		t.Fatal(err)
	}
	var rep JSONReport
	if err := json.Unmarshal(js.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Groups) != 2 || rep.Groups[0].Count != 2 || rep.Groups[1].Count != 1 || rep.Groups[1].Expected != "format hostname" || len(rep.Findings) != 3 {
		t.Errorf("groups %+v, %d findings", rep.Groups, len(rep.Findings))
	}
	// The same through a run's set, as findings arrive.
	s := newFindingSet(defaultLimits())
	for _, x := range res.Findings {
		s.add([]contract.Finding{x})
	}
	if len(s.groups) != 2 || len(s.sample.findings()) != 3 {
		t.Errorf("set: %d groups, %d findings", len(s.groups), len(s.sample.findings()))
	}
}

// allOfSpec declares a response whose members are split over allOf branches.
const allOfSpec = `openapi: 3.0.3
info: {title: allOf members, version: "1"}
servers: [{url: "https://api.affinity.co"}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: A thing.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Base:
      type: object
      properties:
        id: {type: integer}
    Thing:
      allOf:
        - $ref: "#/components/schemas/Base"
        - type: object
          properties:
            inBranch: {type: string}
`

// bodyHAR writes a HAR of one GET /things/1 answered with body.
func bodyHAR(t *testing.T, path, body string) {
	t.Helper()
	text, _ := json.Marshal(body)
	writeEntries(t, path, 1, func(w *bufio.Writer, _ int) {
		fmt.Fprintf(w, `{"request":{"method":"GET","url":"https://api.affinity.co/things/1"},"response":{"status":200,`+
			`"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":%s}}}`, text)
	})
}

// propose sees the members an allOf branch declares: a member of a branch is not
// proposed; a member no branch declares is.
func TestProposeSeesAllOfMembers(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(allOfSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	declared, fresh := filepath.Join(dir, "declared.har"), filepath.Join(dir, "new.har")
	bodyHAR(t, declared, `{"id":1,"inBranch":"x"}`)
	bodyHAR(t, fresh, `{"id":1,"inBranch":"x","brandNew":true}`)
	r := cli(t, nil, "propose", "--api", "affinity", "--spec", spec, declared)
	if r.code != 0 || !strings.Contains(r.stderr, "0 actions proposed") || strings.Contains(r.stdout, "inBranch") {
		t.Errorf("members of allOf branches only: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = cli(t, nil, "propose", "--api", "affinity", "--spec", spec, fresh)
	if r.code != 0 || !strings.Contains(r.stderr, "1 actions proposed") || !strings.Contains(r.stdout, "brandNew") || strings.Contains(r.stdout, "inBranch") {
		t.Errorf("a new member beside them: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// membersBody is an organization with n undocumented members.
func membersBody(n int) string {
	var b strings.Builder
	b.WriteString(`{"id":1,"name":"Org","domain":"org.example","domains":["org.example"],"crunchbase_uuid":null,"global":false`)
	for i := range n {
		fmt.Fprintf(&b, `,"m%d":%d`, i, i%10)
	}
	b.WriteString("}")
	return b.String()
}

// Both sides of --max-members: a body of as many members as the limit is read and
// proposed from; one more and it is skipped, named, and the output says which flag
// reads it. (The organization's own 6 members count too; an array's first element
// does not.)
func TestProposeMaxMembersBothSides(t *testing.T) {
	file := filepath.Join(t.TempDir(), "org.har")
	writeEntries(t, file, 1, func(w *bufio.Writer, _ int) {
		text, _ := json.Marshal(membersBody(94))
		fmt.Fprintf(w, `{"request":{"method":"GET","url":"https://api.affinity.co/organizations/1"},"response":{"status":200,`+
			`"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":%s}}}`, text)
	})
	if n := jsonValues([]byte(membersBody(94)), 1000); n != 100 {
		t.Fatalf("jsonValues = %d, want 100", n)
	}
	r := cli(t, nil, "propose", "--api", "affinity", "--max-members", "100", file)
	if r.code != 0 || !strings.Contains(r.stderr, "1 actions proposed") || !strings.Contains(r.stdout, "m93") || strings.Contains(r.stderr, "skipped") {
		t.Errorf("at the limit: exit %d\n%.500s\n%s", r.code, r.stdout, r.stderr)
	}
	r = cli(t, nil, "propose", "--api", "affinity", "--max-members", "99", file)
	if r.code != 0 || !strings.Contains(r.stderr, "0 actions proposed") || !strings.Contains(r.stderr, "org.har#0: a body of more than 99 members") ||
		!strings.Contains(r.stderr, "raise it to read them") {
		t.Errorf("one past the limit: exit %d\n%s", r.code, r.stderr)
	}
	// Strings and escapes do not count: a colon or comma inside a string is text.
	if n := jsonValues([]byte(`{"a:b":"c,d\",e","f":[1,2,[3]]}`), 100); n != 4 {
		t.Errorf("jsonValues with strings = %d, want 4", n)
	}
}

// One 31 MiB body of 2.6 million members: propose stays under maxPeakMB, skipping it
// by --max-members and saying so.
func TestProposeHugeBodyPeakMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and writes a 31 MiB body")
	}
	binary := buildCommand(t)
	// A JSON line, whose body is a JSON value: no escapes, so that the body is 31 MiB.
	file := filepath.Join(t.TempDir(), "huge.jsonl")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(`{"method":"GET","url":"https://api.affinity.co/organizations/1","status":200,"response_headers":{"Content-Type":"application/json"},"response_body":{"id":1`)
	for i := range 2_601_000 {
		fmt.Fprintf(w, `,"%s":%d`, strconv.FormatInt(int64(i)+1679616, 36), 100+900*(i%2)) // 5-character names
	}
	w.WriteString("}}\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(file)
	if err != nil || info.Size() < 31<<20 {
		t.Fatalf("the recording: %v %v", info, err)
	}
	code, _, stderr, mb := childRun(t, binary, "propose", "--api", "affinity", file)
	t.Logf("validate propose on one %.1f MiB body of 2.6 million members: peak RSS %.1f MiB", float64(info.Size())/(1<<20), mb)
	if mb >= maxPeakMB {
		t.Errorf("peak RSS %.1f MiB, want under %d", mb, maxPeakMB)
	}
	if code != 0 || !strings.Contains(stderr, "huge.jsonl#0: a body of more than 100000 members") || !strings.Contains(stderr, "--max-members") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	// The other side: a body just under the limit is read, checked strictly and
	// inferred from, under the same bound.
	under := filepath.Join(t.TempDir(), "under.har")
	writeEntries(t, under, 1, func(w *bufio.Writer, _ int) {
		text, _ := json.Marshal(membersBody(defaultMaxMembers - 6))
		fmt.Fprintf(w, `{"request":{"method":"GET","url":"https://api.affinity.co/organizations/1"},"response":{"status":200,`+
			`"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":%s}}}`, text)
	})
	code, _, stderr, mb = childRun(t, binary, "propose", "--api", "affinity", under)
	t.Logf("validate propose on one body of %d members: peak RSS %.1f MiB", defaultMaxMembers, mb)
	if mb >= maxPeakMB {
		t.Errorf("peak RSS %.1f MiB, want under %d", mb, maxPeakMB)
	}
	if code != 0 || !strings.Contains(stderr, "1 actions proposed") || strings.Contains(stderr, "skipped") {
		t.Errorf("a body at the limit: exit %d\n%s", code, stderr)
	}
}
