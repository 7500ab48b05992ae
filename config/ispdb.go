package config

import "time"

// ISPDB holds how /isp.json is served to db.ffdn.org.
type ISPDB struct {
	// MaxAge is the Cache-Control max-age of /isp.json: how long the
	// crawler may keep it before asking again.
	MaxAge time.Duration `toml:"max_age" env:"MAX_AGE"`
}
