package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgapis/orgapis/specs"
)

func TestRecorderRemovesEverySecretAndReadsBack(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Set-Cookie", "session=SECRET6")
		fmt.Fprintf(w, `{"echo":%q}`, r.Method+" "+string(body[:min(len(body), 4)]))
	}))
	defer srv.Close()
	rec := &Recorder{}
	client := &http.Client{Transport: rec}
	send := func(method, url, contentType, body string, header ...string) {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.HasPrefix(got, []byte(`{"echo":"`+method)) {
			t.Errorf("caller got %s", got)
		}
	}
	send("GET", srv.URL+"/v1/x?api_key=SECRET1&page=2", "", "", "X-Api-Key", "SECRET2")
	send("POST", srv.URL+"/v1/y", "application/json", `{"api_key":"SECRET3","page":1}`, "Authorization", "Bearer SECRET4")
	send("POST", srv.URL+"/z", "application/x-www-form-urlencoded", "name=Acme&api_key=SECRET5&person_ids[]=1")
	var buf bytes.Buffer
	if err := rec.WriteHAR(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "SECRET") {
		t.Fatalf("recording keeps a secret:\n%s", buf.String())
	}
	n := 0
	for ex, err := range ReadHAR("rec.har", &buf) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if ex.Index == 0 && (ex.URL.Query().Get("page") != "2" || ex.RequestHeader.Get("X-Api-Key") != Redacted) {
			t.Errorf("entry 0 = %v %v", ex.URL, ex.RequestHeader)
		}
		if ex.Index == 1 && string(ex.RequestBody) != `{"api_key":"REDACTED","page":1}` {
			t.Errorf("entry 1 body = %s", ex.RequestBody)
		}
		if ex.Index == 2 && !strings.Contains(string(ex.RequestBody), "name=Acme") {
			t.Errorf("entry 2 body = %s", ex.RequestBody)
		}
	}
	if n != 3 {
		t.Errorf("read back %d entries, want 3", n)
	}
}

func TestRecorderRedactsSecretsWhereverTheyAre(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Echo", "your key is ECHOED-KEY-1")
		fmt.Fprint(w, `{"message":"key ECHOED-KEY-1 is not allowed","nested":{"api_key":"SECRET7"}}`)
	}))
	defer srv.Close()
	rec := &Recorder{Secrets: []string{"ECHOED-KEY-1"}}
	client := &http.Client{Transport: rec}
	for _, body := range []struct{ contentType, text string }{
		{"application/json", `{"filters":{"api_key":"SECRET1"},"list":[{"api_key":"SECRET2"}]}`},
		{"", `{"api_key":"SECRET3"}`},
		{"text/plain", `api_key=SECRET4&x=1`},
		{"application/json", `{"api_key": "SECRET5", not json`},
	} {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/x?api_key=SECRET6", strings.NewReader(body.text))
		if body.contentType != "" {
			req.Header.Set("Content-Type", body.contentType)
		}
		req.Header.Set("Referer", srv.URL+"/v1/prev?api_key=SECRET8&page=2")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	var buf bytes.Buffer
	if err := rec.WriteHAR(&buf); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"SECRET", "ECHOED-KEY-1"} {
		if strings.Contains(buf.String(), secret) {
			t.Fatalf("recording keeps %s:\n%s", secret, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "page=2") {
		t.Errorf("Referer lost more than its key:\n%s", buf.String())
	}
}

func TestMiddlewarePassesAHugeBodyThroughWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 33 MiB")
	}
	body := bytes.Repeat([]byte("a"), MaxBodyBytes+1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	v, err := NewEmbedded(t.Context(), specs.Affinity)
	if err != nil {
		t.Fatal(err)
	}
	var findings []Finding
	mw := NewMiddleware(v, func(fs []Finding) { findings = append(findings, fs...) })
	resp, err := (&http.Client{Transport: mw.Wrap(nil)}).Get(srv.URL + "/organizations")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("caller got %d bytes (%v), want all %d", len(got), err, len(body))
	}
	mw.Wait()
	if len(findings) != 1 || findings[0].Kind != KindUnreadable || !strings.Contains(findings[0].Found, "not validated") {
		t.Errorf("findings = %+v, want one saying the body was not validated", findings)
	}
}

// A recorder that names its API writes it where a reader finds it again.
func TestRecordedAPIReadsBack(t *testing.T) {
	for _, api := range []string{"affinity", ""} {
		rec := &Recorder{API: api, Base: answerJSON()}
		send(t, rec, http.MethodGet, "http://127.0.0.1:1/organizations", "")
		var buf bytes.Buffer
		if err := rec.WriteHAR(&buf); err != nil {
			t.Fatal(err)
		}
		for ex, err := range ReadHAR("r.har", &buf) {
			if err != nil || ex.API != api {
				t.Errorf("recorded with API %q: read back %q, %v", api, ex.API, err)
			}
		}
	}
}

// What a recording says of sizes it did not measure is HAR's "unknown" (-1), and a
// request without a body has no postData.
func TestRecordedHARFields(t *testing.T) {
	rec := &Recorder{Base: answerJSON()}
	for _, body := range []string{"", `{"name":"Acme"}`} {
		send(t, rec, http.MethodPost, "http://127.0.0.1:1/organizations", body)
	}
	var buf bytes.Buffer
	if err := rec.WriteHAR(&buf); err != nil {
		t.Fatal(err)
	}
	var har struct {
		Log struct {
			Entries []struct {
				Request struct {
					HeadersSize int             `json:"headersSize"`
					BodySize    int             `json:"bodySize"`
					PostData    *map[string]any `json:"postData"`
				} `json:"request"`
				Response struct {
					HeadersSize int `json:"headersSize"`
					BodySize    int `json:"bodySize"`
				} `json:"response"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(buf.Bytes(), &har); err != nil || len(har.Log.Entries) != 2 {
		t.Fatalf("%v: %s", err, buf.Bytes())
	}
	for i, e := range har.Log.Entries {
		if e.Request.HeadersSize != -1 || e.Response.HeadersSize != -1 || e.Response.BodySize != 2 {
			t.Errorf("entry %d: headersSize %d and %d, response bodySize %d", i, e.Request.HeadersSize, e.Response.HeadersSize, e.Response.BodySize)
		}
		if (e.Request.PostData != nil) != (i == 1) || e.Request.BodySize != []int{0, 15}[i] {
			t.Errorf("entry %d: postData %v, bodySize %d", i, e.Request.PostData, e.Request.BodySize)
		}
	}
}

// A Recorder with Out writes each exchange as it goes and keeps none: the document it
// finishes reads back whole, with the exchanges in order, and with any number of them.
func TestRecorderStreamsToOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	}))
	defer srv.Close()
	for _, n := range []int{0, 1, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var out bytes.Buffer
			rec := &Recorder{Out: &out, API: "affinity"}
			client := &http.Client{Transport: rec}
			for i := range n {
				resp, err := client.Get(fmt.Sprintf("%s/e%d", srv.URL, i))
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if i == 0 && out.Len() == 0 {
					t.Error("the first exchange was not written as it was recorded")
				}
			}
			if rec.Len() != n || len(rec.entries) != 0 {
				t.Errorf("Len %d, kept %d", rec.Len(), len(rec.entries))
			}
			if err := rec.WriteHAR(io.Discard); err == nil {
				t.Error("WriteHAR on a streaming recorder did not refuse")
			}
			if err := rec.Close(); err != nil {
				t.Fatal(err)
			}
			if err := rec.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if !json.Valid(out.Bytes()) {
				t.Fatalf("not JSON:\n%s", out.String())
			}
			var got []string
			for ex, err := range ReadHAR("s.har", bytes.NewReader(out.Bytes())) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ex.URL.Path+" "+ex.API+" "+string(ex.ResponseBody))
			}
			if len(got) != n {
				t.Fatalf("read back %d exchanges: %v", len(got), got)
			}
			for i, g := range got {
				if want := fmt.Sprintf(`/e%d affinity {"path":"/e%d"}`, i, i); g != want {
					t.Errorf("exchange %d = %q, want %q", i, g, want)
				}
			}
		})
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestRecorderReportsAnOutThatFails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{}") }))
	defer srv.Close()
	rec := &Recorder{Out: failingWriter{}}
	resp, err := (&http.Client{Transport: rec}).Get(srv.URL)
	if err != nil {
		t.Fatal(err) // the caller's exchange is not spoiled by the recording
	}
	resp.Body.Close()
	if err := rec.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close = %v", err)
	}
}

// The streamed text is escaped exactly as encoding/json escapes a string.
func TestWriteJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \back\`, "line\nfeed\r\ttab", "\x00\x01\x1f\x7f", "<a & b>",
		"caf\u00e9 \u2028 \u2029 \U0001F600", "bad \xff\xfe utf8 \xc3", "\xe2\x80", strings.Repeat("x\"", 5000)} {
		var got bytes.Buffer
		writeJSONString(&got, []byte(s))
		want, _ := json.Marshal(s)
		if got.String() != string(want) {
			t.Errorf("%q: got %s, want %s", s, got.String(), want)
		}
	}
}

func FuzzWriteJSONString(f *testing.F) {
	f.Add([]byte("seed \xff \u2028 <&>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got bytes.Buffer
		writeJSONString(&got, b)
		want, _ := json.Marshal(string(b))
		if got.String() != string(want) {
			t.Errorf("%q: got %s, want %s", b, got.String(), want)
		}
	})
}
