package enrichsync

// SetHook makes s call fn at each step a run can be killed at.
func SetHook(s *Syncer, fn func(Step)) { s.hook = fn }
