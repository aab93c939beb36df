//go:build !unix

package loadtest

import "time"

// cpuTime is unknown here.
func cpuTime() time.Duration { return 0 }
