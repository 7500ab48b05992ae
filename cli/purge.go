package cli

// PurgeUnverifiedCmd deletes sign-ups never verified (the purge-unverified job).
type PurgeUnverifiedCmd struct {
	DryRun bool `help:"List the sign-ups that would be deleted, delete nothing." name:"dry-run"`
}

// PurgeTracesCmd forgets expired sessions and old rate-limit records (the
// purge-traces job).
type PurgeTracesCmd struct{}

func (c PurgeTracesCmd) Run(g *Globals) error {
	return runJob(g, "purge-traces", JobRunFlags{})
}

func (c PurgeUnverifiedCmd) Run(g *Globals) error {
	return runJob(g, "purge-unverified", JobRunFlags{DryRun: c.DryRun})
}
