package contract

import (
	"io"
	"iter"
)

// Prepared is an exchange ReadPrepared yields, with what prepare returned for it.
type Prepared[T any] struct {
	Exchange Exchange
	// Value is what prepare returned for Exchange, when Ready.
	Value T
	// Ready says prepare ran on Exchange, on the goroutine that parsed it; when false
	// it did not, and the caller does that work itself.
	Ready bool
}

// ReadPrepared reads as Read does, and has the work of each exchange done where the
// reading runs ahead of the caller: the parallel HAR reader (WithParallel) calls
// prepare on each exchange on the goroutine that parsed it, several at once, and
// yields the exchange with its value in entry order, so that a check spreads over
// cores with no exchange handed from one goroutine to another. An exchange read one
// at a time (other formats, other readers, a stretch of a file the parsers could not
// start in) comes with Ready false.
//
// prepare may be called on what turns out to be no entry of the recording (a parser
// that guessed wrong where an entry starts) and ahead of the caller's stopping: it
// must have no effect but its result, which is dropped for such exchanges. Leaving
// the loop, early or at the end, waits for the calls of prepare under way to return:
// prepare must not wait on the caller's loop. It sees the exchange before its Index
// and Line are known (both 0); the exchange yielded has them. What prepare does with
// the exchange's buffers (handing them back to the allocators of WithBodyAlloc and
// WithHeaderAlloc) is the caller's to say: the exchange yielded is the same value.
//
// A value with a method Size() int, about the bytes it holds (a check's findings,
// say), is counted with the exchange's bodies against what a parser holds ahead of
// the caller (see WithParallel): past that bound the rest of the parser's chunk is
// read as the caller takes it, one exchange at a time (Ready false), so that what is
// held ahead does not follow what prepare makes. A panic in prepare on a parser's
// goroutine is raised again on the caller's, with the same value, when that exchange
// would be yielded (and not at all for what is no entry).
func ReadPrepared[T any](name string, r io.Reader, prepare func(Exchange) T, opts ...ReadOption) iter.Seq2[Prepared[T], error] {
	return func(yield func(Prepared[T], error) bool) {
		slot := &preparedSlot{}
		opts := append(opts[:len(opts):len(opts)], func(c *readConfig) {
			c.prepare = func(ex Exchange) (value any) {
				// A panic on a parser's goroutine would end the program where the caller
				// cannot recover it: it is carried to the caller's, with the exchange.
				defer func() {
					if v := recover(); v != nil {
						value = preparePanic{v}
					}
				}()
				return prepare(ex)
			}
			c.prepared = slot
		})
		for ex, err := range Read(name, r, opts...) {
			p := Prepared[T]{Exchange: ex}
			if slot.ready {
				value := slot.value
				*slot = preparedSlot{}
				if pp, ok := value.(preparePanic); ok {
					panic(pp.value)
				}
				p.Value, _ = value.(T) // a nil of an interface type T is no T: the zero value
				p.Ready = true
			}
			if !yield(p, err) {
				return
			}
		}
	}
}

// preparePanic is a panic of prepare on a parser's goroutine, raised again on the
// caller's when its exchange is yielded.
type preparePanic struct{ value any }

// preparedSlot is where the parallel reader's committer leaves the value of the
// exchange it is about to yield, for ReadPrepared to take on the same goroutine.
type preparedSlot struct {
	value any
	ready bool
}
