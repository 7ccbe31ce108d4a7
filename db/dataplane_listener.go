package db

// ChangeListener hears, after a commit, that what the data plane should be may have changed:
// the store calls it so that the HAProxy nodes are reconciled at once rather than at their next
// periodic pass. The store knows nothing of what listens (the console's data-plane controller
// does); a listener must return at once.
type ChangeListener interface {
	// DataplaneChanged names the load balancers whose groups or members a commit changed; with
	// none named, anything may have changed (a fleet apply may bind, unbind or rebuild any load
	// balancer).
	DataplaneChanged(lbIDs ...string)
}

// listenerBox lets an interface value sit in an atomic.Pointer.
type listenerBox struct{ l ChangeListener }

// SetChangeListener makes l hear of every later commit that may change the data plane; nil
// stops it. Changes committed by other consoles on the same database are heard through
// WatchChanges on PostgreSQL; on SQLite the reconcilers' periodic passes pick them up.
func (d *DB) SetChangeListener(l ChangeListener) {
	if l == nil {
		d.listener.Store(nil)
		return
	}
	d.listener.Store(&listenerBox{l})
}

// dataplaneChanged tells the listener, if any, and the other consoles on the database, after
// a commit.
func (d *DB) dataplaneChanged(lbIDs ...string) {
	if b := d.listener.Load(); b != nil {
		b.l.DataplaneChanged(lbIDs...)
	}
	d.notifyOthers(lbIDs)
}
