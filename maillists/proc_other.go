//go:build !unix

package maillists

import "os/exec"

// killGroup leaves the default: only the command itself is killed.
func killGroup(*exec.Cmd) {}
