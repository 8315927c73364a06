package scoring

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"time"
)

// Measure runs cmd to completion and returns its standard output and what
// it cost. CPU is the child's user+system time from its rusage, so the
// figure covers every thread of the process and nothing of the caller.
// A non-zero exit is returned as an *exec.ExitError together with the
// output, for callers that restart readers after a crash.
func Measure(cmd *exec.Cmd) ([]byte, Usage, error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	start := time.Now()
	err := cmd.Run()
	u := Usage{Wall: time.Since(start)}
	if ps := cmd.ProcessState; ps != nil {
		u.CPU = ps.UserTime() + ps.SystemTime()
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nil, u, fmt.Errorf("running %s: %w", cmd.Path, err)
	}
	return out.Bytes(), u, err
}
