// Package sqlcount wraps a database/sql driver to count the statements run
// on behalf of a context: a request puts a Counter in its context, and every
// query or exec made with that context (directly, through a prepared
// statement or inside a transaction) adds one. It is how the tests and the
// load benchmark tell an N+1 page from one that costs a few queries.
//
// Only the connection and the statement are wrapped; transactions, rows and
// results are the driver's own, so the driver's optional interfaces on them
// (column types, …) keep working.
package sqlcount

import (
	"context"
	"database/sql/driver"
	"sync/atomic"
)

// Counter counts statements. Its zero value is ready; it is safe for
// concurrent use (a page may run queries in parallel).
type Counter struct{ n atomic.Int64 }

// N is the number of statements counted so far.
func (c *Counter) N() int64 {
	if c == nil {
		return 0
	}
	return c.n.Load()
}

type counterKey struct{}

// With returns a context that counts the statements run with it, and the
// counter. A context that already counts keeps its counter, so that nested
// callers see the whole request.
func With(ctx context.Context) (context.Context, *Counter) {
	if c := From(ctx); c != nil {
		return ctx, c
	}
	c := &Counter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

// From returns the context's counter, or nil.
func From(ctx context.Context) *Counter {
	c, _ := ctx.Value(counterKey{}).(*Counter)
	return c
}

func count(ctx context.Context) {
	if c := From(ctx); c != nil {
		c.n.Add(1)
	}
}

// Connector returns a connector of drv for dsn whose connections count.
// Use it with sql.OpenDB.
func Connector(drv driver.Driver, dsn string) (driver.Connector, error) {
	if dc, ok := drv.(driver.DriverContext); ok {
		inner, err := dc.OpenConnector(dsn)
		if err != nil {
			return nil, err
		}
		return &connector{inner: inner, drv: &wrappedDriver{drv}}, nil
	}
	return &connector{inner: dsnConnector{drv: drv, dsn: dsn}, drv: &wrappedDriver{drv}}, nil
}

type connector struct {
	inner driver.Connector
	drv   driver.Driver
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{inner: cn}, nil
}

func (c *connector) Driver() driver.Driver { return c.drv }

// dsnConnector is database/sql's own fallback for drivers without
// OpenConnector (go-sqlite3).
type dsnConnector struct {
	drv driver.Driver
	dsn string
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

type wrappedDriver struct{ inner driver.Driver }

func (d *wrappedDriver) Open(dsn string) (driver.Conn, error) {
	cn, err := d.inner.Open(dsn)
	if err != nil {
		return nil, err
	}
	return &conn{inner: cn}, nil
}

// conn forwards every optional interface database/sql looks for; where the
// driver lacks one it answers driver.ErrSkip, which makes database/sql take
// its usual fallback.
type conn struct{ inner driver.Conn }

var (
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	st, err := c.inner.Prepare(query)
	if err != nil {
		return nil, err
	}
	return &stmt{inner: st, conn: c}, nil
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := c.inner.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.inner.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &stmt{inner: st, conn: c}, nil
}

func (c *conn) Close() error { return c.inner.Close() }

// Begin is required of every driver.Conn; database/sql calls BeginTx.
func (c *conn) Begin() (driver.Tx, error) {
	//lint:ignore SA1019 forwarded for drivers that have nothing newer
	return c.inner.Begin()
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.inner.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	//lint:ignore SA1019 the driver has nothing newer
	return c.inner.Begin()
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.inner.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	count(ctx)
	return e.ExecContext(ctx, query, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.inner.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	count(ctx)
	return q.QueryContext(ctx, query, args)
}

func (c *conn) Ping(ctx context.Context) error {
	if p, ok := c.inner.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *conn) ResetSession(ctx context.Context) error {
	if r, ok := c.inner.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *conn) IsValid() bool {
	if v, ok := c.inner.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.inner.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// stmt keeps its connection: database/sql asks the statement for the
// argument checker and does not fall back to the connection's (pgx's).
type stmt struct {
	inner driver.Stmt
	conn  *conn
}

var (
	_ driver.StmtExecContext   = (*stmt)(nil)
	_ driver.StmtQueryContext  = (*stmt)(nil)
	_ driver.NamedValueChecker = (*stmt)(nil)
)

func (s *stmt) Close() error  { return s.inner.Close() }
func (s *stmt) NumInput() int { return s.inner.NumInput() }

// Exec and Query are required of every driver.Stmt; database/sql calls
// ExecContext and QueryContext.
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	//lint:ignore SA1019 forwarded for drivers that have nothing newer
	return s.inner.Exec(args)
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	//lint:ignore SA1019 forwarded for drivers that have nothing newer
	return s.inner.Query(args)
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	count(ctx)
	if e, ok := s.inner.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	vals, err := values(args)
	if err != nil {
		return nil, err
	}
	//lint:ignore SA1019 the driver has nothing newer
	return s.inner.Exec(vals)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	count(ctx)
	if q, ok := s.inner.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	vals, err := values(args)
	if err != nil {
		return nil, err
	}
	//lint:ignore SA1019 the driver has nothing newer
	return s.inner.Query(vals)
}

func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := s.inner.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return s.conn.CheckNamedValue(nv)
}

func values(args []driver.NamedValue) ([]driver.Value, error) {
	vals := make([]driver.Value, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, errNamed
		}
		vals[i] = a.Value
	}
	return vals, nil
}

var errNamed = namedError{}

type namedError struct{}

func (namedError) Error() string { return "sqlcount: the driver does not support named parameters" }
