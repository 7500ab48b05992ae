//go:build !unix

package command

import "os/exec"

// killGroup leaves the default: only the command itself is killed.
func killGroup(*exec.Cmd) {}
