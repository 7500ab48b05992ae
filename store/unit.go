package store

// Hooks are told what a committed transaction did that reaches outside the
// database. They are set once, when the program is assembled.
type Hooks struct {
	// Logged receives the accounting log entries of each committed
	// transaction, in order (the log file mirrors the table).
	Logged func(entries []*LogEntry)
	// Queued is called after a transaction that queued e-mail commits (the
	// outbox sender wakes up).
	Queued func()
}

// unit is the unit of work of one transaction: the effects to run once it
// commits, in the order they were registered, and what it logged.
type unit struct {
	after  []func()
	logged []*LogEntry
	queued bool
}

// SetHooks installs the program's after-commit hooks. Call it before the
// store is used concurrently.
func (s *Store) SetHooks(h Hooks) { *s.hooks = h }

// AfterCommit registers fn to run once the transaction commits, after the
// effects registered before it; it never runs if the transaction rolls
// back. Outside a transaction the write before it has already committed,
// so fn runs at once.
func (s *Store) AfterCommit(fn func()) {
	if s.unit == nil {
		fn()
		return
	}
	s.unit.after = append(s.unit.after, fn)
}

// noteLogged records an appended entry for the Logged hook.
func (s *Store) noteLogged(e *LogEntry) {
	if s.unit == nil {
		if s.hooks.Logged != nil {
			s.hooks.Logged([]*LogEntry{e})
		}
		return
	}
	if len(s.unit.logged) == 0 {
		u := s.unit
		s.AfterCommit(func() {
			if s.hooks.Logged != nil {
				s.hooks.Logged(u.logged)
			}
		})
	}
	s.unit.logged = append(s.unit.logged, e)
}

// noteQueued wakes the outbox once the transaction that queued mail commits.
func (s *Store) noteQueued() {
	if s.unit != nil {
		if s.unit.queued {
			return
		}
		s.unit.queued = true
	}
	s.AfterCommit(func() {
		if s.hooks.Queued != nil {
			s.hooks.Queued()
		}
	})
}

// runAfterCommit runs a committed unit's effects in order.
func (u *unit) runAfterCommit() {
	for _, fn := range u.after {
		fn()
	}
}
