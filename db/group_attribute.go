package db

import (
	"context"
	"database/sql"

	"lbconsole/lb"
)

// SetGroupAttribute is what the SLB API's SetVServerGroupAttribute asks when it gives both:
// the batch req (new weights for members of a VServer group) and a new name for the group,
// in one transaction, so that both apply or neither does. The batch goes first and is audited
// as ApplyBatch audits it; a refused batch renames nothing. A refused rename (as RenameGroup
// refuses one) rolls the batch back and is audited as RenameGroup audits it. Each refusal is
// returned as an *lb.Error.
func (d *DB) SetGroupAttribute(ctx context.Context, req BatchRequest, name string) (BatchResult, error) {
	o := Origin{Actor: req.Actor, Source: req.Source, ClientIP: req.ClientIP, RequestID: req.RequestID}
	var res BatchResult
	var refusal, renameRefusal error
	err := d.inWriteTx(ctx, func(tx *sql.Tx) error {
		var err error
		if res, refusal, err = d.applyBatch(ctx, tx, req); err != nil || refusal != nil {
			return err
		}
		_, err = d.changeFleetIn(ctx, tx, &o, renamePlan(res.Group.ID, name))
		if _, refused := lb.AsError(err); refused {
			renameRefusal = err
		}
		return err
	})
	if renameRefusal != nil {
		return BatchResult{}, d.auditGroupRefusal(ctx, o, ActionUpdateGroup, res.Group.ID, renameRequest(name), renameRefusal)
	}
	d.batchDone(req.Source, string(req.Batch.Action), refusal, err)
	if err != nil {
		return BatchResult{}, err
	}
	if refusal == nil {
		res.Group.Name = name
	}
	return res, refusal
}
