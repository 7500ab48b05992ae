//go:build unix

package command

import (
	"os/exec"
	"syscall"
)

// killGroup starts the command in its own process group and kills the
// whole group on cancel, so that a shell script's children die with it.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
