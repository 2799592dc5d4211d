package affinity

import (
	"context"
	"fmt"
	"iter"
)

// tokenPages iterates over the pages of a listing that Affinity pages with
// next_page_token: from the page start points to (empty for the first), following each
// page's token, crossing empty pages that still carry one, stopping at an empty
// token. A token seen before fails with ErrRepeatedPageToken, and MaxEmptyPages empty
// pages in a row with ErrEmptyPages, so that a listing always ends. Only one page is
// held at a time. The repeated token is quoted through the client's scrubber, since a
// token is what the server sent and may echo the key.
func tokenPages[P any](ctx context.Context, c *Client, start string, fetch func(ctx context.Context, token string) (P, error),
	next func(P) string, size func(P) int) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		var zero P
		token := start
		seen := newTokenSet(start)
		empty := 0
		for {
			page, err := fetch(ctx, token)
			if err != nil {
				yield(zero, err)
				return
			}
			if !yield(page, nil) || next(page) == "" {
				return
			}
			if !seen.add(next(page)) {
				yield(zero, c.doer.ScrubError(fmt.Errorf("%w: %q", ErrRepeatedPageToken, next(page))))
				return
			}
			if size(page) == 0 {
				empty++
			} else {
				empty = 0
			}
			if empty >= MaxEmptyPages {
				yield(zero, fmt.Errorf("%w: %d", ErrEmptyPages, empty))
				return
			}
			token = next(page)
		}
	}
}

// items flattens an iterator of pages into one of their items.
func items[P, T any](pages iter.Seq2[P, error], of func(P) []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range pages {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range of(page) {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}
