package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"coin/ispdb"
)

// ISPJSONCmd writes the ISP's /isp.json document, for ISPs that publish a
// static file on their website instead of pointing db.ffdn.org at coin.
type ISPJSONCmd struct {
	Output string `help:"Write to FILE (replaced atomically) instead of standard output." short:"o" placeholder:"FILE" type:"path"`
}

func (cmd *ISPJSONCmd) Run(g *Globals) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	ctx := context.Background()
	a, err := openApp(ctx, cfg, g.logger())
	if err != nil {
		return err
	}
	defer a.close()
	p, err := a.isp.Publish(ctx)
	if errors.Is(err, ispdb.ErrNotReady) {
		return fmt.Errorf("%w: fill it in the back office, ISP record (/admin/isp)", err)
	}
	if err != nil {
		return err
	}
	if err := a.isp.Schema().Validate(p.Body); err != nil {
		return fmt.Errorf("isp.json would be refused by db.ffdn.org: %w", err)
	}
	if cmd.Output == "" {
		_, err := g.Stdout.Write(p.Body)
		return err
	}
	return writeAtomic(cmd.Output, p.Body)
}

// writeAtomic replaces path with body so that a web server never serves a
// half-written file.
func writeAtomic(path string, body []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
