//go:build race

package cli

// raceEnabled says the race detector is on: it has sync.Pool drop some of what is
// put, so that tests of what a pool keeps can only bound it from above.
const raceEnabled = true
