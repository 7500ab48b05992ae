package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// stmtCache keeps the statements a transaction uses, so that a loop of
// inserts (a charge run writes tens of thousands of rows) parses each SQL
// text once. The statements close with the transaction.
type stmtCache struct {
	tx      *sql.Tx
	shared  *preparedSet
	mu      sync.Mutex
	byQuery map[string]*sql.Stmt
}

func (c *stmtCache) get(ctx context.Context, q string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.byQuery[q]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if parent := c.shared.get(ctx, q); parent != nil {
		// database/sql reuses the statement this connection already
		// prepared for parent, or prepares it once and keeps it.
		st = c.tx.StmtContext(ctx, parent)
	} else {
		var err error
		if st, err = c.tx.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
	}
	c.byQuery[q] = st
	return st, nil
}

// preparedSet keeps statements across transactions. Short transactions
// (an IP allocation, a subscription) would otherwise spend a good part of
// their time compiling the same SQL, triggers included, every time.
type preparedSet struct {
	db      *sql.DB
	mu      sync.Mutex
	byQuery map[string]*sql.Stmt
}

// maxPrepared bounds the set: queries built from a filter form differ by
// their number of placeholders and are not worth keeping forever.
const maxPrepared = 512

// prepareWait bounds how long a transaction waits for a free connection to
// prepare a shared statement: when every connection is taken by a
// transaction, waiting would deadlock them all, so the caller prepares on
// its own transaction instead.
const prepareWait = 20 * time.Millisecond

func newPreparedSet(db *sql.DB) *preparedSet {
	return &preparedSet{db: db, byQuery: map[string]*sql.Stmt{}}
}

// get returns the shared statement for q, preparing it if there is room
// and a connection to spare, or nil.
func (p *preparedSet) get(ctx context.Context, q string) *sql.Stmt {
	p.mu.Lock()
	st, ok := p.byQuery[q]
	full := len(p.byQuery) >= maxPrepared
	p.mu.Unlock()
	if ok || full {
		return st
	}
	wait, cancel := context.WithTimeout(ctx, prepareWait)
	defer cancel()
	st, err := p.db.PrepareContext(wait, q)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	prev, ok := p.byQuery[q]
	if !ok {
		p.byQuery[q] = st
	}
	p.mu.Unlock()
	if ok {
		// Another transaction prepared it meanwhile. Closing ours waits
		// for every connection that prepared it to be free, and one of
		// them may be running a query that waits for a lock our caller
		// holds: close it aside, never in the caller's way.
		go st.Close()
		return prev
	}
	return st
}

func (p *preparedSet) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for q, st := range p.byQuery {
		st.Close() // the pool closes next; nothing to do about a failure
		delete(p.byQuery, q)
	}
}
