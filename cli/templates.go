package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"coin/overrides"
)

// TemplatesCmd lists the overridable templates and copies defaults out.
type TemplatesCmd struct {
	List TemplatesListCmd `cmd:"" default:"withargs" help:"List the templates an ISP may override, and which are (the default)."`
	Copy TemplatesCopyCmd `cmd:"" help:"Copy a built-in template into the overrides folder, to edit it."`
}

type TemplatesListCmd struct{}

func (TemplatesListCmd) Run(g *Globals) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	reg := overrides.New(cfg.Server.OverridesDir, g.logger())
	if reg.Dir() == "" {
		fmt.Fprintln(g.Stdout, "no overrides folder: set server.overrides_dir to override templates")
	} else {
		fmt.Fprintf(g.Stdout, "overrides folder: %s (changes are picked up within seconds, no restart)\n", reg.Dir())
	}
	w := tabwriter.NewWriter(g.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tSTATE\tDESCRIPTION")
	for _, info := range reg.List() {
		state := "default"
		if info.Overridden {
			state = "overridden"
			if err := reg.CheckOne(info); err != nil {
				state = "BROKEN"
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", info.Name, state, info.Description)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, err := range reg.Check() {
		fmt.Fprintf(g.Stdout, "broken override (the built-in default is used): %v\n", err)
	}
	if names := reg.AssetNames(); len(names) > 0 {
		fmt.Fprintf(g.Stdout, "assets served from %s/%s:\n", reg.Dir(), overrides.AssetsDir)
		for _, n := range names {
			fmt.Fprintf(g.Stdout, "  %s\n", n)
		}
	}
	return nil
}

type TemplatesCopyCmd struct {
	Name string `arg:"" help:"Template name, as listed by 'coin templates list' (e.g. email/welcome.fr.txt)."`
}

func (cmd *TemplatesCopyCmd) Run(g *Globals) error {
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	dst, err := overrides.New(cfg.Server.OverridesDir, g.logger()).Copy(cmd.Name)
	if errors.Is(err, overrides.ErrUnknown) {
		return fmt.Errorf("unknown template %q: see 'coin templates list'", cmd.Name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(g.Stdout, "copied %s to %s: edit it there, coin picks up the change within seconds\n", cmd.Name, dst)
	return nil
}
