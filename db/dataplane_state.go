package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"lbconsole/dataplane"
)

// NodeState returns the store of node n's reconciler State: in the database, so that drain
// clocks and drift detection survive a restart and every console process shares them.
func (d *DB) NodeState(n Node) dataplane.StateStore { return nodeState{d: d, n: n} }

type nodeState struct {
	d *DB
	n Node
}

// LoadState reads the State saved last, or an empty one for a node never reconciled.
func (s nodeState) LoadState(ctx context.Context) (dataplane.State, error) {
	var st dataplane.State
	var text string
	err := s.d.read.QueryRowContext(ctx, "SELECT state FROM dataplane_node_state WHERE lb_id = ? AND runtime_api = ?",
		s.n.LoadBalancerID, s.n.RuntimeAPI).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("db: unable to read the reconciler state of %s: %w", s.n, err)
	}
	if err := json.Unmarshal([]byte(text), &st); err != nil {
		return st, fmt.Errorf("db: unable to read the reconciler state of %s: %w", s.n, err)
	}
	return st, nil
}

// SaveState replaces the saved State.
func (s nodeState) SaveState(ctx context.Context, st dataplane.State) error {
	text, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("db: unable to save the reconciler state of %s: %w", s.n, err)
	}
	return s.d.inWriteTx(ctx, func(tx *sql.Tx) error {
		return exec(ctx, tx, "save the reconciler state of "+s.n.String(), `INSERT INTO dataplane_node_state (lb_id, runtime_api, state, saved)
			VALUES (?, ?, ?, ?) ON CONFLICT (lb_id, runtime_api) DO UPDATE SET state = excluded.state, saved = excluded.saved`,
			s.n.LoadBalancerID, s.n.RuntimeAPI, string(text), formatTime(s.d.now()))
	})
}
