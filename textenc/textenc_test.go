package textenc

import "testing"

func TestAutoDetection(t *testing.T) {
	cases := []struct {
		in, enc, text string
	}{
		{"\xef\xbb\xbfNo\xc3\xab", "utf-8", "Noë"},
		{"No\xc3\xab", "utf-8", "Noë"},
		{"plain ascii", "utf-8", "plain ascii"},
		{"No\xeb \x80 \x9c", "windows-1252", "Noë € œ"},
		{"No\xeb \x81", "iso-8859-1", "Noë \u0081"},
		{"\xff\xfeN\x00o\x00", "utf-16", "No"},
	}
	for _, c := range cases {
		text, enc, err := Decode([]byte(c.in), Auto)
		if err != nil || enc != c.enc || text != c.text {
			t.Errorf("Decode(%q) = %q, %q, %v; want %q, %q", c.in, text, enc, err, c.text, c.enc)
		}
	}
	if _, _, err := Decode([]byte("a\x00b"), Auto); err == nil {
		t.Error("a binary file was read as text")
	}
	// A declared encoding is kept, except for UTF-8 that is plainly UTF-8.
	if _, enc, _ := Decode([]byte("caf\xc3\xa9"), "windows-1252"); enc != "utf-8" {
		t.Errorf("valid UTF-8 under windows-1252 read as %s", enc)
	}
	if _, _, err := Decode([]byte("caf\xe9"), "utf-8"); err == nil {
		t.Error("Latin-1 bytes accepted as UTF-8")
	}
}
