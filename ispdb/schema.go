package ispdb

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The schema of format 0.1 and the three schemas it refers to by URL, as
// db.ffdn.org validates with them. They are compiled from these copies:
// nothing is ever fetched over the network.
//
//go:embed schema/*.json
var schemaFS embed.FS

// schemaURLs are the identifiers under which isp-0.1.json refers to each file.
var schemaURLs = map[string]string{
	"isp-0.1.json": "http://ffdn.org/ispschema/draft-01/schema",
	"address.json": "http://json-schema.org/address",
	"geo.json":     "http://json-schema.org/geo",
	"geojson.json": "http://json-schema.org/geojson/geojson.json",
}

// Schema validates ISP documents against format 0.1.
type Schema struct {
	s       *jsonschema.Schema
	printer *message.Printer // the library's messages, in English like logs
}

// noFetch refuses every URL that is not one of the embedded schemas.
type noFetch struct{}

func (noFetch) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema %s is not embedded (coin never fetches schemas)", url)
}

// NewSchema compiles the embedded schemas.
func NewSchema() (*Schema, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(noFetch{})
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	for file, url := range schemaURLs {
		raw, err := schemaFS.ReadFile(path.Join("schema", file))
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("schema %s: %w", file, err)
		}
	}
	s, err := c.Compile(schemaURLs["isp-0.1.json"])
	if err != nil {
		return nil, fmt.Errorf("compile ISP schema: %w", err)
	}
	return &Schema{s: s, printer: message.NewPrinter(language.English)}, nil
}

// Violation is one place where a document breaks the schema.
type Violation struct {
	Pointer string // JSON pointer of the value, e.g. "/coveredAreas/0/area"
	Message string
}

// SchemaError lists the violations of a document.
type SchemaError struct {
	Violations []Violation
}

func (e *SchemaError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Pointer + ": " + v.Message
	}
	return "not valid against ISP format 0.1: " + strings.Join(parts, "; ")
}

// Validate checks a JSON document. It returns a *SchemaError when the
// document parses but breaks the schema.
func (s *Schema) Validate(doc []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	err = s.s.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	se := &SchemaError{}
	s.collect(ve, se)
	return se
}

// collect keeps the innermost causes, which name the field at fault.
func (s *Schema) collect(ve *jsonschema.ValidationError, se *SchemaError) {
	if len(ve.Causes) == 0 {
		p := "/" + strings.Join(ve.InstanceLocation, "/")
		se.Violations = append(se.Violations, Violation{Pointer: p, Message: ve.ErrorKind.LocalizedString(s.printer)})
		return
	}
	for _, c := range ve.Causes {
		s.collect(c, se)
	}
}
