package db

import (
	"context"
	"database/sql"

	"lbconsole/lb"
)

// PreviewRevert plans the revert of an audit entry on the current state, changing and
// auditing nothing: what RevertAudit would do now, or why it would be refused.
func (d *DB) PreviewRevert(ctx context.Context, seq int64) (BatchResult, error) {
	var res BatchResult
	req := BatchRequest{Batch: lb.Batch{Action: ActionRevert}}
	err := d.inReadTx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = d.planRevert(ctx, tx, seq, &req)
		return err
	})
	return res, err
}
