package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"coin/date"
	"coin/store"
)

// Rotation keeps the scheduled backups in Dir:
//
//	daily/coin-YYYY-MM-DD.tar.gz    one per day, the last KeepDaily days
//	weekly/coin-YYYY-Www.tar.gz     one per ISO week, the last KeepWeekly weeks
//
// A day's run writes that day's daily copy (again, when it runs twice: one
// copy per day) and makes it the copy of its week, so a past week keeps
// its last day. The weekly copy is a hard link to the daily one where the
// file system allows (no space used twice), else a copy.
type Rotation struct {
	Dir        string
	KeepDaily  int
	KeepWeekly int
}

// Result says what a rotation did (or, dry, would do).
type Result struct {
	Daily, Weekly string   // the copies written
	Removed       []string // old copies removed
	Manifest      *Manifest
}

func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "daily copy %s", r.Daily)
	if r.Manifest != nil {
		fmt.Fprintf(&b, " (schema %d)", r.Manifest.SchemaVersion)
	}
	if r.Weekly != "" {
		fmt.Fprintf(&b, ", weekly copy %s", r.Weekly)
	}
	verb := "removed"
	if r.Manifest == nil {
		verb = "to remove"
	}
	fmt.Fprintf(&b, "; %d old %s %s", len(r.Removed), plural(len(r.Removed), "copy", "copies"), verb)
	for _, p := range r.Removed {
		b.WriteString("\n" + p)
	}
	return b.String()
}

func plural(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}

var (
	dailyRE  = regexp.MustCompile(`^coin-\d{4}-\d{2}-\d{2}\.tar\.gz$`)
	weeklyRE = regexp.MustCompile(`^coin-\d{4}-W\d{2}\.tar\.gz$`)
)

// DailyName and WeeklyName are the file names of day's copies.
func DailyName(day date.Date) string { return "coin-" + day.String() + ".tar.gz" }
func WeeklyName(day date.Date) string {
	y, w := day.Time().ISOWeek()
	return fmt.Sprintf("coin-%04d-W%02d.tar.gz", y, w)
}

// Run takes day's backup of st and removes the copies beyond what is kept.
// A dry run writes and removes nothing and says what it would do.
func (r Rotation) Run(ctx context.Context, st *store.Store, day date.Date, dryRun bool, o Options) (Result, error) {
	if r.KeepDaily < 1 {
		return Result{}, errors.New("backup: keep at least one daily copy")
	}
	dailyDir, weeklyDir := filepath.Join(r.Dir, "daily"), filepath.Join(r.Dir, "weekly")
	res := Result{Daily: filepath.Join(dailyDir, DailyName(day))}
	if r.KeepWeekly > 0 {
		res.Weekly = filepath.Join(weeklyDir, WeeklyName(day))
	}
	if dryRun {
		if st.Dialect() != store.SQLite {
			return res, ErrPostgres
		}
	} else {
		m, err := Write(ctx, st, res.Daily, o)
		if err != nil {
			return res, err
		}
		res.Manifest = m
		if res.Weekly != "" {
			if err := linkAtomic(res.Daily, res.Weekly); err != nil {
				return res, fmt.Errorf("backup: weekly copy: %w", err)
			}
		}
	}
	for _, p := range []struct {
		dir     string
		re      *regexp.Regexp
		keep    int
		current string
	}{{dailyDir, dailyRE, r.KeepDaily, res.Daily}, {weeklyDir, weeklyRE, r.KeepWeekly, res.Weekly}} {
		old, err := beyond(p.dir, p.re, p.keep, p.current, dryRun)
		if err != nil {
			return res, err
		}
		for _, name := range old {
			path := filepath.Join(p.dir, name)
			if !dryRun {
				if err := os.Remove(path); err != nil {
					return res, fmt.Errorf("backup: remove old copy: %w", err)
				}
			}
			res.Removed = append(res.Removed, path)
		}
		if !dryRun {
			removeStale(p.dir, time.Now().Add(-time.Hour))
		}
	}
	return res, nil
}

// beyond lists the copies of dir past the keep newest (by name, which
// sorts by date); on a dry run current, not written yet, counts as present.
func beyond(dir string, re *regexp.Regexp, keep int, current string, dryRun bool) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("backup: %w", err)
	}
	seen := map[string]bool{}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && re.MatchString(e.Name()) {
			names = append(names, e.Name())
			seen[e.Name()] = true
		}
	}
	if dryRun && current != "" && !seen[filepath.Base(current)] {
		names = append(names, filepath.Base(current))
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	if len(names) <= keep {
		return nil, nil
	}
	return names[keep:], nil
}

// linkAtomic makes to the same file as from (a hard link, else a copy),
// replacing to atomically.
func linkAtomic(from, to string) error {
	dir := filepath.Dir(to)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	tmp := filepath.Join(dir, "."+filepath.Base(to)+".link.tmp")
	os.Remove(tmp)
	if err := os.Link(from, tmp); err != nil {
		in, err := os.Open(from)
		if err != nil {
			return err
		}
		err = copyTo(in, tmp)
		in.Close()
		if err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, to); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// removeStale removes the temporary files a crashed run left in dir.
func removeStale(dir string, before time.Time) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".tmp") {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(before) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}
