package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"coin/config"
	"coin/ipam"
	"coin/store"
)

// ReverseDNSCmd prints the reverse DNS records of a pool's allocations,
// to include in the ISP's reverse zone (or, with --header, as a whole zone
// file).
type ReverseDNSCmd struct {
	Pool       string   `help:"The pool, by name or number." required:"" placeholder:"NAME"`
	Zone       string   `help:"Only this reverse zone of the pool (e.g. 100.51.198.in-addr.arpa), for a pool spanning several." placeholder:"ZONE"`
	Header     bool     `help:"Start with $ORIGIN, $TTL, SOA and NS lines: a complete zone file (needs --ns)."`
	NS         []string `help:"Name server of the zone, for --header (repeat for each)." name:"ns" placeholder:"HOST"`
	Hostmaster string   `help:"Mailbox in the SOA (default: hostmaster at the first name server's domain)." placeholder:"MAILBOX"`
	Serial     uint32   `help:"SOA serial (default: the current Unix time)." placeholder:"N"`
	TTL        uint32   `help:"TTL of the records." default:"3600" name:"ttl"`
	Output     string   `help:"Write to FILE (replaced atomically) instead of standard output." short:"o" placeholder:"FILE" type:"path"`
}

func (cmd *ReverseDNSCmd) Run(g *Globals) error {
	ctx := context.Background()
	return g.withApp(ctx, func(*config.Config) error {
		if cmd.Header && len(cmd.NS) == 0 {
			return errors.New("--header needs the zone's name servers: --ns ns1.example.org --ns ns2.example.org")
		}
		return nil
	}, func(a *app) error {
		pool, err := a.store.IPPoolByName(ctx, cmd.Pool)
		if errors.Is(err, store.ErrNotFound) {
			if id, perr := strconv.ParseInt(cmd.Pool, 10, 64); perr == nil {
				pool, err = a.store.IPPoolByID(ctx, id)
			}
		}
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no IP pool named %q", cmd.Pool)
		}
		if err != nil {
			return err
		}
		serial := cmd.Serial
		if serial == 0 {
			serial = uint32(time.Now().Unix())
		}
		for _, n := range cmd.NS {
			if _, ok := ipam.ParseHostname(n); !ok {
				return fmt.Errorf("--ns %q is not a host name", n)
			}
		}
		text, err := ipam.Zone(ctx, a.store, pool, ipam.ZoneOptions{Zone: cmd.Zone, Header: cmd.Header,
			Nameservers: cmd.NS, Hostmaster: cmd.Hostmaster, Serial: serial, TTL: cmd.TTL})
		if err != nil {
			return err
		}
		if cmd.Output == "" {
			_, err := fmt.Fprint(g.Stdout, text)
			return err
		}
		return writeAtomic(cmd.Output, []byte(text))
	})
}
