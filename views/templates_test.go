package views

import (
	"testing"

	"coin/i18n"
	"coin/overrides"
)

// TestEveryTemplateIsDescribedInBothLanguages: the back office's list of
// templates says what each is for in the reader's language.
func TestEveryTemplateIsDescribedInBothLanguages(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range overrides.Names() {
		id := TemplateDescriptionID(name)
		for _, lang := range []string{"en", "fr"} {
			if !c.IDs(lang)[id] {
				t.Errorf("%s: no %q in %s", name, id, lang)
			}
		}
	}
}
