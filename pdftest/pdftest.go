// Package pdftest reads back, in tests, the text of a PDF coin drew, as
// a reader's tool sees it: poppler's pdftotext.
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Text is pdftotext's text of pdf in its layout (columns kept with
// spaces). The test is skipped where poppler-utils is not installed.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return run(t, pdf, "-layout")
}

// Words is the text of pdf with every run of white space made one space:
// what a sentence check needs, whatever the line breaks.
func Words(t testing.TB, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(run(t, pdf)), " ")
}

func run(t testing.TB, pdf []byte, flags ...string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (apt-get install poppler-utils)")
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", append(flags, p, "-")...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}
