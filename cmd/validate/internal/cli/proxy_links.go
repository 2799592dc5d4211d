package cli

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/url"
	"strings"

	"github.com/orgapis/orgapis/internal/httpcore"
)

// linkMembers are the members of an answer that hold a URL a client follows as it is:
// Affinity v2's pagination.nextUrl and prevUrl. Apollo pages by number.
var linkMembers = [...]string{"nextUrl", "prevUrl"}

// maxLinks bounds the links rewritten in one body: a page has two; a body with more
// members of these names is no page the proxy knows, and the rest are left as they are.
const maxLinks = 64

// pageLinks finds, in a JSON body, the string values of the members linkMembers names
// that are on base (the upstream's base URL, no trailing slash; see cutBase), and
// returns the body with each one's base replaced by to (the
// proxy's own base URL) and how many it replaced; with to empty it only counts them
// and returns body unchanged. Member names and values are compared unescaped, so an
// escaped slash or a \u escape in either is found as well. A body that is no JSON
// object is left as it is: the scan only looks at what lies between quotes.
func pageLinks(body []byte, base, to string) ([]byte, int) {
	if !bytes.Contains(body, []byte("Url")) && !bytes.Contains(body, []byte(`\u`)) {
		return body, 0 // the common case: no such member (not even escaped), no scan
	}
	origin, err := url.Parse(base)
	if err != nil {
		return body, 0
	}
	var out []byte
	last, n := 0, 0
	for i := 0; i < len(body) && n < maxLinks; {
		if body[i] != '"' {
			i++
			continue
		}
		end := stringEnd(body, i)
		if end < 0 {
			break
		}
		key, isKey := body[i:end], false
		j := skipJSONSpace(body, end)
		if j < len(body) && body[j] == ':' {
			isKey = true
			j = skipJSONSpace(body, j+1)
		}
		if !isKey || j >= len(body) || body[j] != '"' || !isLinkMember(key) {
			i = end
			continue
		}
		vend := stringEnd(body, j)
		if vend < 0 {
			break
		}
		var value string
		if json.Unmarshal(body[j:vend], &value) == nil {
			if rest, ok := cutBase(value, origin); ok {
				n++
				if to != "" {
					quoted, _ := json.Marshal(to + rest)
					out = append(append(out, body[last:j]...), quoted...)
					last = vend
				}
			}
		}
		i = vend
	}
	if out == nil {
		return body, n
	}
	return append(out, body[last:]...), n
}

// cutBase returns what follows base in link, when link is on base: the same origin as
// the core compares them (scheme and host in any case, a default port written or not:
// --upstream may spell them otherwise than the links Affinity writes), no user part,
// then base's path as it is, followed by '/', '?' or nothing.
func cutBase(link string, base *url.URL) (string, bool) {
	scheme, rest, ok := strings.Cut(link, "://")
	if !ok {
		return "", false
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority := rest[:end]
	if strings.Contains(authority, "@") || httpcore.Origin(&url.URL{Scheme: scheme, Host: authority}) != httpcore.Origin(base) {
		return "", false
	}
	rest, ok = strings.CutPrefix(rest[end:], strings.TrimSuffix(base.EscapedPath(), "/"))
	if !ok || rest != "" && rest[0] != '/' && rest[0] != '?' {
		return "", false
	}
	return rest, true
}

// isLinkMember reports whether the quoted member name is one of linkMembers.
func isLinkMember(quoted []byte) bool {
	if len(quoted) > 64 {
		return false
	}
	name := string(quoted[1 : len(quoted)-1])
	// Only an escaped name needs decoding: every member name of a page is looked at.
	if bytes.IndexByte(quoted, '\\') >= 0 && json.Unmarshal(quoted, &name) != nil {
		return false
	}
	for _, m := range linkMembers {
		if name == m {
			return true
		}
	}
	return false
}

// stringEnd is the index just past the JSON string that starts at body[i] (a quote),
// or -1 when the body ends inside it.
func stringEnd(body []byte, i int) int {
	for j := i + 1; j < len(body); {
		k := bytes.IndexAny(body[j:], `"\`)
		if k < 0 {
			return -1
		}
		j += k
		if body[j] == '\\' {
			j += 2
			continue
		}
		return j + 1
	}
	return -1
}

func skipJSONSpace(body []byte, i int) int {
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n') {
		i++
	}
	return i
}

// jsonMedia reports whether a Content-Type names JSON (application/json, or a +json
// type), the only bodies whose links are looked for.
func jsonMedia(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
