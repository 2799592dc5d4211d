package httpcore

import (
	"context"
	"net/http"
)

// RunNoContent makes one call whose 2xx answer carries nothing to read, such as a 204
// to a write: whatever body comes is read within the client's limit and dropped. As
// for every call, a non-2xx answer is an *apicall.Error, and a 2xx body that breaks off
// or runs past the limit is one too, with Applied set for a change: the service did it.
func RunNoContent[R any, O CallOption](ctx context.Context, d *Doer[R], op string, opts []O,
	send func(context.Context) (*http.Response, error)) error {
	ctx, end, err := Begin(ctx, d, opts)
	if err != nil {
		return err
	}
	defer end()
	resp, err := send(ctx)
	_, err = d.answer(op, resp, err)
	return err
}
