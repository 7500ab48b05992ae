package auth

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrBusy is returned when every hashing slot stayed taken for the whole
// wait: the caller answers 503 with Retry-After rather than queue forever.
var ErrBusy = errors.New("too many password checks at once, try again shortly")

// Default bounds of Hashing: each argon2id computation holds 19 MiB, so
// two at once keep a Raspberry Pi under 40 MiB for hashing whatever the
// number of clients; a request waits at most HashWait for its turn.
const (
	DefaultHashSlots = 2
	HashWait         = 3 * time.Second
)

// Hashing bounds how many argon2id computations run at once. The zero value
// allows DefaultHashSlots; it must not be copied after first use.
type Hashing struct {
	Slots int // 0: DefaultHashSlots
	once  sync.Once
	sem   chan struct{}
}

func (h *Hashing) acquire(ctx context.Context) (release func(), err error) {
	h.once.Do(func() {
		n := h.Slots
		if n <= 0 {
			n = DefaultHashSlots
		}
		h.sem = make(chan struct{}, n)
	})
	ctx, cancel := context.WithTimeout(ctx, HashWait)
	defer cancel()
	select {
	case h.sem <- struct{}{}:
		return func() { <-h.sem }, nil
	case <-ctx.Done():
		return nil, ErrBusy
	}
}

// Check is CheckPassword within the bound.
func (h *Hashing) Check(ctx context.Context, password, hash string) (bool, error) {
	release, err := h.acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return CheckPassword(password, hash), nil
}

// Hash is HashPassword within the bound.
func (h *Hashing) Hash(ctx context.Context, password string) (string, error) {
	release, err := h.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return HashPassword(password)
}
