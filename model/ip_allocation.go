package model

// Kinds of allocation.
const (
	AllocAuto     = "auto"     // given to a new configuration by the allocator
	AllocManual   = "manual"   // chosen by staff (or typed in a configuration)
	AllocReserved = "reserved" // from the pool's reserved list
)
