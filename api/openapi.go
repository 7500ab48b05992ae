package api

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// OpenAPI is the API's OpenAPI 3.1 document. The tests validate every
// response against it.
//
//go:embed openapi.json
var OpenAPI []byte

// document is OpenAPI with its server below base_path.
func document(basePath string) ([]byte, error) {
	if basePath == "" {
		return OpenAPI, nil
	}
	var doc map[string]any
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	doc["servers"] = []map[string]string{{"url": basePath + "/api/v1"}}
	return json.Marshal(doc)
}

func (a *api) openAPI(c *fiber.Ctx) error {
	b, err := document(a.Cfg.Server.BasePath)
	if err != nil {
		return a.fail(c, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(b)
}
