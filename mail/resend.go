package mail

import (
	"context"
	"fmt"

	"coin/store"
)

// Resend queues a message of the outbox again (one that failed or was
// sent), for its next attempt now; the sender wakes once it is committed.
// A held message (demo) stays held: store.ErrNotFound.
func Resend(ctx context.Context, st *store.Store, id int64) error {
	if err := st.RequeueMessage(ctx, id); err != nil {
		return fmt.Errorf("resend: %w", err)
	}
	return nil
}
