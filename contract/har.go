package contract

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
)

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harEntry struct {
	Request struct {
		Method   string      `json:"method"`
		URL      string      `json:"url"`
		Headers  []harHeader `json:"headers"`
		PostData *struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"postData"`
	} `json:"request"`
	Response *struct {
		Status  int         `json:"status"`
		Headers []harHeader `json:"headers"`
		Content struct {
			MimeType string `json:"mimeType"`
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
	} `json:"response"`
}

// ReadHAR streams the entries of a HAR 1.2 file: it decodes one entry at a time, so
// memory follows the largest entry, not the file. Text and base64 bodies are read, and
// bodies a recorder left compressed are decompressed per Content-Encoding.
func ReadHAR(source string, r io.Reader) iter.Seq2[Exchange, error] {
	return func(yield func(Exchange, error) bool) {
		dec := json.NewDecoder(r)
		fail := func(index int, err error) bool {
			return yield(Exchange{}, &EntryError{Source: source, Index: index, Err: err})
		}
		if err := enterObject(dec, "log"); err != nil {
			fail(-1, fmt.Errorf("not a HAR file: %w", err))
			return
		}
		if err := enterArray(dec, "entries"); err != nil {
			fail(-1, fmt.Errorf("not a HAR file: log: %w", err))
			return
		}
		for i := 0; dec.More(); i++ {
			var e harEntry
			if err := dec.Decode(&e); err != nil {
				var typeErr *json.UnmarshalTypeError
				if errors.As(err, &typeErr) {
					// The entry was consumed whole; the next one can still be read.
					if !fail(i, fmt.Errorf("field %s: want %s, found %s", typeErr.Field, typeErr.Type, typeErr.Value)) {
						return
					}
					continue
				}
				fail(i, fmt.Errorf("broken JSON, reading stops here: %w", err))
				return
			}
			ex, err := e.exchange(source, i)
			if err != nil {
				if !fail(i, err) {
					return
				}
				continue
			}
			if !yield(ex, nil) {
				return
			}
		}
	}
}

func (e *harEntry) exchange(source string, index int) (Exchange, error) {
	if e.Response == nil {
		return Exchange{}, errors.New("response is missing")
	}
	ex, err := newExchange(source, index, e.Request.Method, e.Request.URL, e.Response.Status)
	if err != nil {
		return ex, err
	}
	for _, h := range e.Request.Headers {
		ex.RequestHeader.Add(h.Name, h.Value)
	}
	for _, h := range e.Response.Headers {
		ex.ResponseHeader.Add(h.Name, h.Value)
	}
	if pd := e.Request.PostData; pd != nil {
		if ex.RequestBody, err = harText(pd.Text, pd.Encoding); err != nil {
			return ex, fmt.Errorf("request.postData: %w", err)
		}
		if ex.RequestHeader.Get("Content-Type") == "" && pd.MimeType != "" {
			ex.RequestHeader.Set("Content-Type", pd.MimeType)
		}
	}
	c := e.Response.Content
	if err := checkSize("response body", len(c.Text)); err != nil {
		return ex, err
	}
	if ex.ResponseBody, err = harText(c.Text, c.Encoding); err != nil {
		return ex, fmt.Errorf("response.content: %w", err)
	}
	if ex.ResponseBody, err = decompress(ex.ResponseHeader.Get("Content-Encoding"), ex.ResponseBody); err != nil {
		return ex, fmt.Errorf("response.content: %w", err)
	}
	if ex.ResponseHeader.Get("Content-Type") == "" && c.MimeType != "" {
		ex.ResponseHeader.Set("Content-Type", c.MimeType)
	}
	return ex, nil
}

func harText(text, encoding string) ([]byte, error) {
	if err := checkSize("body", len(text)); err != nil {
		return nil, err
	}
	switch encoding {
	case "", "utf8", "utf-8":
		return []byte(text), nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("bad base64 body: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("unknown body encoding %q", encoding)
	}
}

// enterObject reads '{' and skips members until key, leaving the decoder at its value.
func enterObject(dec *json.Decoder, key string) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	return seekKey(dec, key)
}

// enterArray finds key in the current object and reads the '[' of its value.
func enterArray(dec *json.Decoder, key string) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	if err := seekKey(dec, key); err != nil {
		return err
	}
	return expectDelim(dec, '[')
}

func seekKey(dec *json.Decoder, key string) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if name, ok := tok.(string); ok && name == key {
			return nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return fmt.Errorf("no %q member", key)
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, found %v", want, tok)
	}
	return nil
}
