package cli

// PurgeUnverifiedCmd deletes sign-ups never verified (the purge-unverified job).
type PurgeUnverifiedCmd struct {
	DryRun bool `help:"List the sign-ups that would be deleted, delete nothing." name:"dry-run"`
}

func (c PurgeUnverifiedCmd) Run(g *Globals) error {
	return runJob(g, "purge-unverified", JobRunFlags{DryRun: c.DryRun})
}
