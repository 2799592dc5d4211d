package redact

import "strings"

// Keys inside keys. When one secret lies inside another (a prefix of it, or any part)
// and the longer is echoed partly escaped ("sk-live-0123\u00345678..."), the shorter
// one's form is there as it is, inside the escaped longer key. Replacing it at once
// would cut the longer key in two, so that undoing the escapes could no longer find it,
// and its tail would go through. Such a form is an inner form: where it lies in a run
// of bytes an escaped key can be made of (inEncoded) that holds an escape, its
// replacement waits until the escapes around it have been undone and looked under
// (scrubUnder, encodedRuns), which finds the longer key whole. Only when nothing is
// found there is the inner form replaced by itself; where the escapes cannot be
// undone (a text over String's 64 KiB, the last layer), its whole run is replaced.
// That wait is safe only when undoing the escapes leaves the inner form whole (a
// plain key beside whole escapes): an escape that would take some of its bytes ("%4"
// or "\" or "&#" just before it, a '+' or '~0' of its own) could hide it from the look
// under while another secret is found there, and the decoded text given back would
// carry the rest of it. There the whole run is replaced by Marker at once instead,
// the longer key with it, whatever it is.

// innerForms marks each form (longest first, owner the index in secrets of the secret
// each came from) of a secret that is part of another: one of its forms is in the
// other as sent, or it is, as sent, in one of the other's forms. That holds whenever a
// form of one lies in a form of the other through the secrets themselves (a prefix, a
// part; the same escape of both), and costs two passes over all the forms per
// secret, where comparing every form with every other took 120 ms for 64 keys with many
// escapes (the proxy's final report knows that many). A form marked for nothing only
// takes the careful path, which is as safe.
func innerForms(forms []string, owner map[string]int, secrets []string) []bool {
	byOwner := map[int][]string{}
	for _, f := range forms {
		byOwner[owner[f]] = append(byOwner[owner[f]], f)
	}
	isInner := map[int]bool{}
	for o, fs := range byOwner {
		for t, gs := range byOwner {
			if t == o || isInner[o] {
				continue
			}
			for _, f := range fs {
				isInner[o] = isInner[o] || strings.Contains(secrets[t], f)
			}
			for _, g := range gs {
				isInner[o] = isInner[o] || strings.Contains(g, secrets[o])
			}
		}
	}
	inner := make([]bool, len(forms))
	for i, f := range forms {
		inner[i] = isInner[owner[f]]
	}
	return inner
}

// replaceForms replaces every form in v, but leaves each inner form that lies in an
// escaped run (see replaceOutside); deferred says one was left, found that any form
// was there.
func (s *Scrubber) replaceForms(v string) (out string, found, deferred bool) {
	for i, form := range s.forms {
		if !strings.Contains(v, form) {
			continue
		}
		found = true
		if !s.inner[i] {
			v = strings.ReplaceAll(v, form, Marker)
			continue
		}
		var left bool
		v, _, left = replaceOutside(s, v, form, strings.Index, true)
		deferred = deferred || left
	}
	return v, found, deferred
}

// replaceDeferred replaces the inner forms replaceForms left in v: by themselves once
// looking under its escapes found nothing more, or with their whole runs (whole) when
// the escapes could not be undone, so that a longer key they are part of goes too.
func (s *Scrubber) replaceDeferred(v string, deferred, whole bool) string {
	if !deferred {
		return v
	}
	for i, form := range s.forms {
		switch {
		case !s.inner[i]:
		case whole:
			v, _, _ = replaceOutside(s, v, form, strings.Index, false)
		default:
			v = strings.ReplaceAll(v, form, Marker)
		}
	}
	return v
}

// replaceOutside replaces each match of form in v by Marker, as strings.ReplaceAll
// does, except a match made of inEncoded bytes inside a run of them (as encodedRuns
// cuts a body) with an escape in it: that could be part of a longer key partly
// escaped, every byte of which is inEncoded. Such a match is left when wait is set and
// undoing escapes keeps it whole (undoneWhole), and replaced with its whole run
// otherwise. replaced
// says something was replaced (out is then a new text), left that a match was left.
// Each run is read once, so the cost is linear in v however many matches it holds.
func replaceOutside[T string | []byte](s *Scrubber, v, form T, index func(T, T) int, wait bool) (out T, replaced, left bool) {
	var b []byte
	last := 0
	runStart, runEnd, runEscaped := 0, 0, false // the run of the last match looked at
	for i := 0; i <= len(v)-len(form); {
		j := index(v[i:], form)
		if j < 0 {
			break
		}
		at, end := i+j, i+j+len(form)
		i = end
		inRun := true
		for k := at; k < end && inRun; k++ {
			inRun = s.inEncoded[v[k]]
		}
		if inRun && (at < runStart || at >= runEnd) {
			// A new run: the one before ends at a byte that is not inEncoded, so the
			// reads of the runs do not overlap.
			runStart, runEnd = at, end
			for runStart > 0 && s.inEncoded[v[runStart-1]] {
				runStart--
			}
			for runEnd < len(v) && s.inEncoded[v[runEnd]] {
				runEnd++
			}
			runEscaped = false
			for k := runStart; k < runEnd && !runEscaped; k++ {
				runEscaped = s.escapeStart[v[k]]
			}
		}
		switch {
		case !inRun || !runEscaped:
			b = append(append(b, v[last:at]...), Marker...)
			last = end
		case wait && undoneWhole(v, at, end):
			left = true
		default:
			// The run as a whole, from what an earlier match left of it.
			from := max(runStart, last)
			b = append(append(b, v[last:from]...), Marker...)
			last, i = runEnd, runEnd
		}
	}
	if b == nil {
		return v, false, left
	}
	return T(append(b, v[last:]...)), true, left
}

// undoneWhole reports whether each escape String undoes leaves the match v[at:end]
// whole: read with the bytes before it that could start an escape reaching into it
// (eight, and every backslash before those, whose pairs decide which one escapes) and
// the eight after.
func undoneWhole[T string | []byte](v T, at, end int) bool {
	from := max(0, at-8)
	for from > 0 && v[from-1] == '\\' {
		from--
	}
	window, match := string(v[from:min(len(v), end+8)]), string(v[at:end])
	for _, decode := range decoders {
		if d, ok := decode(window); ok && !strings.Contains(d, match) {
			return false
		}
	}
	return true
}
