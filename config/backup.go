package config

import (
	"fmt"
	"path/filepath"
)

// Backup says where the scheduled backups go and how many are kept.
type Backup struct {
	// BackupDir holds the backups of the `backup` job and those `serve`
	// takes before migrating; "" is data_dir/backups.
	BackupDir  string `toml:"backup_dir" env:"BACKUP_DIR"`
	KeepDaily  int    `toml:"keep_daily" env:"KEEP_DAILY"`
	KeepWeekly int    `toml:"keep_weekly" env:"KEEP_WEEKLY"`
}

// BackupDir is backup.backup_dir, or data_dir/backups when it is empty.
func (c *Config) BackupDir() string {
	if c.Backup.BackupDir != "" {
		return c.Backup.BackupDir
	}
	return filepath.Join(c.Server.DataDir, "backups")
}

func (b *Backup) validate() error {
	if b.KeepDaily < 1 || b.KeepDaily > 366 {
		return fmt.Errorf("backup.keep_daily: %d is not between 1 and 366", b.KeepDaily)
	}
	if b.KeepWeekly < 0 || b.KeepWeekly > 520 {
		return fmt.Errorf("backup.keep_weekly: %d is not between 0 and 520", b.KeepWeekly)
	}
	return nil
}
