package model

// Item states, computed from the open loan and the deployed flag.
const (
	ItemAvailable = "available"
	ItemLent      = "lent"
	ItemDeployed  = "deployed"
)
