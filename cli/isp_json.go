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
	ctx := context.Background()
	return g.withApp(ctx, nil, func(a *app) error {
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
	})
}

// writeAtomic replaces path with body so that a web server never serves a
// half-written file.
func writeAtomic(path string, body []byte) error {
	f, err := createAtomic(path)
	if err != nil {
		return err
	}
	return f.commit(body)
}

// atomicFile is a file about to replace path: created first, so that a
// path that cannot be written fails before the work that makes its body.
type atomicFile struct {
	path string
	tmp  *os.File
}

// createAtomic opens a temporary file next to path. Call commit or abort.
func createAtomic(path string) (*atomicFile, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	return &atomicFile{path: path, tmp: tmp}, nil
}

// commit writes body and renames the file over path.
func (f *atomicFile) commit(body []byte) error {
	defer os.Remove(f.tmp.Name())
	if _, err := f.tmp.Write(body); err != nil {
		f.tmp.Close()
		return err
	}
	if err := f.tmp.Chmod(0o644); err != nil {
		f.tmp.Close()
		return err
	}
	if err := f.tmp.Close(); err != nil {
		return err
	}
	return os.Rename(f.tmp.Name(), f.path)
}

// abort removes the temporary file.
func (f *atomicFile) abort() {
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}
