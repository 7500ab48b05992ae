package mail

import (
	"strings"
	"testing"
	"text/template"

	"coin/model"
	"coin/store"
)

// An override template cannot print what templates must not know.
func TestTemplatesSeeNoSecretsOfTheMember(t *testing.T) {
	m := &store.Member{ID: 7, Login: "zoe", PasswordHash: "$argon2id$secret", Role: model.RoleAdmin,
		Comments: "staff only", FirstName: "Zoé", LastName: "Martin", PersonType: model.NaturalPerson}
	for _, field := range []string{"PasswordHash", "Role", "Comments"} {
		tmpl := template.Must(template.New("x").Parse("{{.Member." + field + "}}"))
		var b strings.Builder
		if err := tmpl.Execute(&b, map[string]any{"Member": MemberOf(m)}); err == nil {
			t.Errorf("a template printed .Member.%s: %q", field, b.String())
		}
	}
	tmpl := template.Must(template.New("x").Parse("{{.Member.DisplayName}} {{.Member.Login}}"))
	var b strings.Builder
	if err := tmpl.Execute(&b, map[string]any{"Member": MemberOf(m)}); err != nil || b.String() != "Zoé Martin zoe" {
		t.Fatalf("%q %v", b.String(), err)
	}
}
