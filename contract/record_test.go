package contract

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
