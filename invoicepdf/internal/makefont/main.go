// Command makefont writes the cp1252 font definitions of the invoice fonts
// (used by scripts/fonts): fpdf.MakeFont over the subset TrueType files.
package main

import (
	"fmt"
	"os"

	"github.com/go-pdf/fpdf"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: makefont ENCODING.map OUTDIR FONT.ttf…")
		os.Exit(2)
	}
	for _, ttf := range os.Args[3:] {
		if err := fpdf.MakeFont(ttf, os.Args[1], os.Args[2], os.Stderr, true); err != nil {
			fmt.Fprintln(os.Stderr, "makefont:", err)
			os.Exit(1)
		}
	}
}
