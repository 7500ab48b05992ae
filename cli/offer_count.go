package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"coin/config"
	"coin/date"
)

// OfferCountCmd prints the active subscriptions per offer on a day.
type OfferCountCmd struct {
	Date string `help:"Day to count at (YYYY-MM-DD, default today in the ISP's time zone)." placeholder:"YYYY-MM-DD"`
	JSON bool   `help:"Print JSON instead of a table." name:"json"`
}

func (c *OfferCountCmd) Run(g *Globals) error {
	ctx := context.Background()
	var day date.Date
	return g.withApp(ctx, func(cfg *config.Config) (err error) {
		day, err = dayFlag(c.Date, cfg)
		return err
	}, func(a *app) error {
		counts, err := a.store.CountSubscriptionsByOffer(ctx, day)
		if err != nil {
			return err
		}
		total := 0
		for _, c := range counts {
			total += c.Count
		}
		if c.JSON {
			type offer struct {
				Reference string `json:"reference"`
				Name      string `json:"name"`
				Backend   string `json:"backend"`
				Count     int    `json:"count"`
			}
			out := struct {
				Date   string  `json:"date"`
				Offers []offer `json:"offers"`
				Total  int     `json:"total"`
			}{Date: day.String(), Offers: []offer{}, Total: total}
			for _, c := range counts {
				out.Offers = append(out.Offers, offer{c.Reference, c.Name, c.Backend, c.Count})
			}
			enc := json.NewEncoder(g.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		}
		w := tabwriter.NewWriter(g.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(w, "offer\tname\tbackend\tactive on %s\t\n", day)
		for _, c := range counts {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t\n", c.Reference, c.Name, c.Backend, c.Count)
		}
		fmt.Fprintf(w, "total\t\t\t%d\t\n", total)
		return w.Flush()
	})
}
