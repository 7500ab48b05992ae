package numbering

import "testing"

func TestFormat(t *testing.T) {
	if Format("YYYY-NNNNNN", 2026, 42) != "2026-000042" || Format("AV-YY-NNN", 2026, 1234) != "AV-26-1234" {
		t.Fatal(Format("YYYY-NNNNNN", 2026, 42), Format("AV-YY-NNN", 2026, 1234))
	}
	if Format("F-NNNNN", 2026, 7) != "F-00007" || Yearly("F-NNNNN") || !Yearly("YYYY-NNNNNN") {
		t.Fatal("global sequence")
	}
	if SequenceYear("F-NNNNN", 2026) != 0 || SequenceYear("YYYY-NNNN", 2026) != 2026 {
		t.Fatal("SequenceYear")
	}
	for _, bad := range []string{"YYYY", "NN-YYYY", "NNN-NNN", "YYYY/NNNNNN"} {
		if Check(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if !Clash("YYYY-NNNNNN", "YY-NNN") || Clash("YYYY-NNNNNN", "AV-YYYY-NNNNNN") {
		t.Fatal("Clash")
	}
}
