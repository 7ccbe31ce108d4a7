package lb

// PlanRevert plans the change that undoes an earlier batch, given the members that batch
// affected as they were before it and as it left them: members it added are removed, members it
// removed come back with their ids, and members it changed get their weight, description,
// maintenance and backup flag back. It refuses, changing nothing, unless every affected member is still exactly
// as that batch left it, so a revert never overwrites a later change. A server that comes back
// must still exist in the inventory and be running.
func PlanRevert(t Target, before, after []Member) (Result, error) {
	if err := CheckWritable(t.LoadBalancer); err != nil {
		return Result{}, err
	}
	p := newPlanner(t, Batch{Action: ActionReplace})
	current := make(map[string]int, len(p.next))
	for i, m := range p.next {
		current[m.ID] = i
	}
	wasBefore := make(map[string]Member, len(before))
	for _, b := range before {
		wasBefore[b.ID] = b
	}
	left := make(map[string]bool, len(after))
	for _, a := range after {
		left[a.ID] = true
		i, ok := current[a.ID]
		if !ok || !sameState(p.next[i], a) {
			return Result{}, Errorf(KindConflict, FieldServerID, "%s has changed since that entry: it can no longer be reverted", describe(a, p.isDefault()))
		}
		if b, changed := wasBefore[a.ID]; changed {
			restored := p.next[i]
			restored.Weight, restored.Description, restored.Maintenance, restored.Backup, restored.Updated = b.Weight, b.Description, b.Maintenance, b.Backup, t.Now
			p.diff.Changed = append(p.diff.Changed, Change{Before: p.next[i], After: restored})
			p.next[i] = restored
		} else {
			p.diff.Removed = append(p.diff.Removed, p.next[i])
		}
	}
	if err := p.restore(before, left); err != nil {
		return Result{}, err
	}
	p.next = without(p.next, p.diff.Removed)
	p.next = append(p.next, p.diff.Added...)
	if err := p.checkUnique(); err != nil {
		return Result{}, Errorf(KindConflict, FieldServerID, "%s: it can no longer be reverted", err.Error())
	}
	return Result{Members: p.next, Diff: p.diff}, nil
}

// restore brings back the members the earlier batch removed.
func (p *planner) restore(before []Member, left map[string]bool) error {
	for _, b := range before {
		if left[b.ID] {
			continue
		}
		for _, m := range p.next {
			if m.ID == b.ID {
				return Errorf(KindConflict, FieldMemberID, "%s is back in the group already: it can no longer be reverted", describe(b, p.isDefault()))
			}
		}
		if b.ServerID != "" {
			srv, ok := p.servers[b.ServerID]
			if !ok || srv.Status != StatusRunning {
				return Errorf(KindConflict, FieldServerID, "server %s cannot come back: it no longer exists or is not running", b.ServerID)
			}
		}
		m := b
		m.GroupID, m.Updated = p.t.Group.ID, p.t.Now
		p.diff.Added = append(p.diff.Added, m)
	}
	return nil
}

func sameState(a, b Member) bool {
	return a.ID == b.ID && a.ServerID == b.ServerID && a.Address == b.Address && a.Port == b.Port &&
		a.Weight == b.Weight && a.Description == b.Description && a.Maintenance == b.Maintenance && a.Backup == b.Backup
}

func without(ms, drop []Member) []Member {
	gone := make(map[string]bool, len(drop))
	for _, d := range drop {
		gone[d.ID] = true
	}
	out := ms[:0:0]
	for _, m := range ms {
		if !gone[m.ID] {
			out = append(out, m)
		}
	}
	return out
}
