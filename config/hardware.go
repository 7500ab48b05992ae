package config

// Hardware turns the hardware inventory and loans on or off.
type Hardware struct {
	Enabled bool `toml:"enabled" env:"ENABLED"`
}
