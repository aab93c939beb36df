package domain

import "time"

// Clock gives the current time. It is injected everywhere so that tests control time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock. Times are UTC, truncated to microseconds so
// that they survive a round trip through both databases unchanged.
type SystemClock struct{}

// Now returns the current UTC time at microsecond precision.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// FixedClock is a settable clock for tests.
type FixedClock struct{ T time.Time }

// Now returns the clock's time.
func (c *FixedClock) Now() time.Time { return c.T }

// Advance moves the clock forward.
func (c *FixedClock) Advance(d time.Duration) { c.T = c.T.Add(d) }
