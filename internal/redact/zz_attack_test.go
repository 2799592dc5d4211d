package redact

import (
	"strings"
	"testing"
	"time"
	"html"
)

func TestZZAttack(t *testing.T) {
	key := "sk-live-0123456789abcdef"
	s := NewScrubber(key)
	esc := strings.ReplaceAll(key, "0123", "%30%31%32%33")
	pad := strings.Repeat("A", 70<<10)
	for name, body := range map[string]string{
		"padded run": `{"x":"` + pad + esc + `"}`,
		"small": `{"x":"` + esc + `"}`,
	} {
		out := string(s.Body([]byte(body)))
		t.Logf("%s: body leaks=%v string leaks=%v", name, strings.Contains(out, esc), strings.Contains(s.String(body), esc))
	}
	t.Log(html.UnescapeString("&#0000000000000000000115;"), html.UnescapeString("&#x0000000000000073;"))
	// spaces key with +
	k2 := "ab cd/ef gh 1234"
	s2 := NewScrubber(k2)
	e2 := "ab+cd/ef+gh+1234"
	t.Logf("plus: String=%q Body=%q", s2.String(e2), s2.Body([]byte(e2)))
	// cost
	unit := `%2525\\\\~0~0&amp;amp;`
	run := strings.Repeat(unit, (60<<10)/len(unit))
	body := []byte(strings.Repeat(`"`+run+`",`, 16))
	t0 := time.Now()
	s.Body(body)
	t.Logf("1 MiB of worst runs: %v (%d bytes)", time.Since(t0), len(body))
	small := strings.Repeat(`"%25%25%25\\~0&amp;x",`, (1<<20)/24)
	t0 = time.Now()
	s.Body([]byte(small))
	t.Logf("1 MiB of short runs: %v", time.Since(t0))
}
