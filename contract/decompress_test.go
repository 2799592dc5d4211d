package contract

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func compressed(t *testing.T, kind, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	var w interface {
		Write([]byte) (int, error)
		Close() error
	}
	switch kind {
	case "gzip":
		w = gzip.NewWriter(&b)
	case "zlib":
		w = zlib.NewWriter(&b)
	case "flate":
		w, _ = flate.NewWriter(&b, flate.DefaultCompression)
	}
	if _, err := w.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Every Content-Encoding a recording may carry: decoded when the body is still
// compressed, passed through when a recorder already stored it decoded, and an error
// saying so when it cannot be decoded here.
func TestDecompress(t *testing.T) {
	const text = `{"organizations":[]}`
	for _, c := range []struct {
		encoding string
		body     []byte
		want     string
		err      string
	}{
		{"gzip", compressed(t, "gzip", text), text, ""},
		{" X-GZIP ", compressed(t, "gzip", text), text, ""},
		{"gzip", []byte(text), text, ""}, // stored decoded
		{"deflate", compressed(t, "zlib", text), text, ""},
		{"deflate", compressed(t, "flate", text), text, ""}, // raw deflate, as some servers send
		{"deflate", []byte(text), text, ""},
		{"deflate", []byte(`[]`), `[]`, ""},
		{"deflate", []byte(`"x"`), `"x"`, ""},
		{"deflate", []byte(" "), " ", ""},
		{"br", []byte(text), text, ""},
		{"zstd", []byte("\x28\xb5\x2f\xfd"), "", "still zstd-compressed"},
		{"identity", []byte("plain"), "plain", ""},
		{"", []byte("plain"), "plain", ""},
		{"gzip", append([]byte{0x1f, 0x8b}, "junk"...), "", "decompressing gzip body"},
	} {
		got, err := decompress(c.encoding, c.body)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q %.20q: error %v, want %q", c.encoding, c.body, err, c.err)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%q %.20q: %q, %v; want %q", c.encoding, c.body, got, err, c.want)
		}
	}
	// A compressed body that inflates past the limit is refused, not held.
	bomb := compressed(t, "gzip", strings.Repeat("0", MaxBodyBytes+1))
	if _, err := decompress("gzip", bomb); err == nil || !strings.Contains(err.Error(), "decompressed body") {
		t.Errorf("gzip bomb: %v", err)
	}
}

// A reader that fails is one error naming the source, for every format.
func TestReadersReportAFailingReader(t *testing.T) {
	boom := errors.New("disk on fire")
	for name, read := range map[string]func() error{
		"HAR": func() (err error) {
			for _, e := range ReadHAR("x.har", iotest.ErrReader(boom)) {
				err = e
			}
			return err
		},
		"VCR": func() (err error) {
			for _, e := range ReadVCR("x.yaml", iotest.ErrReader(boom)) {
				err = e
			}
			return err
		},
		"HAR entries": func() (err error) {
			for _, e := range ReadHAR("x.har", strings.NewReader(`{"log":{"entries":[`)) {
				err = e
			}
			return err
		},
	} {
		err := read()
		var ee *EntryError
		if !errors.As(err, &ee) || ee.Index != -1 || !strings.HasPrefix(err.Error(), "x.") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
