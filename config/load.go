package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/caarlos0/env/v11"
)

// Load reads path (may be empty: defaults only), applies COIN_* variables from
// environ and validates the result.
func Load(path string, environ []string) (Config, error) {
	cfg := Default()
	if path != "" {
		if err := decodeFile(path, &cfg); err != nil {
			return cfg, err
		}
		cfg.Path = path
	}
	if err := applyEnv(&cfg, envMap(environ)); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func envMap(environ []string) map[string]string {
	m := make(map[string]string)
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "COIN_") {
			m[k] = v
		}
	}
	return m
}

// applyEnv applies COIN_* variables one at a time, so that an error names
// the variable at fault; a variable under a section prefix that matches no
// key is refused like an unknown key in the file.
func applyEnv(cfg *Config, envs map[string]string) error {
	opts := env.Options{Prefix: "COIN_"}
	params, err := env.GetFieldParamsWithOptions(cfg, opts)
	if err != nil {
		return fmt.Errorf("environment: %w", err)
	}
	known := map[string]bool{}
	sections := map[string]bool{}
	for _, p := range params {
		known[p.Key] = true
		if i := strings.Index(p.Key[len("COIN_"):], "_"); i > 0 {
			sections[p.Key[:len("COIN_")+i+1]] = true
		}
	}
	keys := make([]string, 0, len(envs))
	for k := range envs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			for sec := range sections {
				if strings.HasPrefix(k, sec) {
					return fmt.Errorf("environment: unknown variable %s", k)
				}
			}
			continue
		}
		opts.Environment = map[string]string{k: envs[k]}
		if err := env.ParseWithOptions(cfg, opts); err != nil {
			var agg env.AggregateError
			if errors.As(err, &agg) && len(agg.Errors) > 0 {
				err = agg.Errors[0]
			}
			var pe env.ParseError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return fmt.Errorf("environment: bad value for %s: %v", k, err)
		}
	}
	return nil
}

func decodeFile(path string, cfg *Config) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	md, err := toml.Decode(string(raw), cfg)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			if pe.LastKey != "" {
				return fmt.Errorf("%s:%d: key %s: %s", path, pe.Position.Line, pe.LastKey, pe.Message)
			}
			return fmt.Errorf("%s:%d: %s", path, pe.Position.Line, pe.Message)
		}
		if m := typeErrorRE.FindStringSubmatch(err.Error()); m != nil {
			return fmt.Errorf("%s:%s: key %s: %s", path, m[1], m[2], m[3])
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		key := und[0].String()
		return fmt.Errorf("%s:%d: unknown key %s", path, keyLine(raw, und[0]), key)
	}
	return nil
}

// typeErrorRE reads the position out of the decoder's type mismatch errors.
var typeErrorRE = regexp.MustCompile(`line (\d+) \(last key "([^"]+)"\): (.*)`)

// keyLine finds the line that defines key, for messages: the TOML decoder
// reports unknown keys without their position.
func keyLine(raw []byte, key toml.Key) int {
	last := key[len(key)-1]
	section := strings.Join(key[:len(key)-1], ".")
	re := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(last) + `"?\s*=`)
	current := ""
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			current = strings.Trim(line, "[] ")
			if current == strings.Join(key, ".") {
				return n
			}
			continue
		}
		if current == section && re.MatchString(line) {
			return n
		}
	}
	return 0
}
