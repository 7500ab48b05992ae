package jobs

import "time"

// TickOf exposes tick to the tests.
func (s *Scheduler) TickOf(name string, now time.Time) time.Time { return s.tick(name, now) }
