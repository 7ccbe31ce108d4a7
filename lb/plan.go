package lb

import "fmt"

// Plan works out what batch b does to the group in t, without changing anything. It returns the
// group's next members and the diff, or the first broken rule as an *Error.
func Plan(t Target, b Batch) (Result, error) {
	if err := CheckWritable(t.LoadBalancer); err != nil {
		return Result{}, err
	}
	if !b.Action.Valid() {
		return Result{}, Errorf(KindInvalid, FieldAction, "unknown batch action %q", b.Action)
	}
	limit := b.Limit
	if limit == 0 {
		limit = MaxConsoleEntries
	}
	if err := CheckBatchSize(max(len(b.Old), len(b.New)), limit); err != nil {
		return Result{}, err
	}
	p := newPlanner(t, b)
	if err := p.run(); err != nil {
		return Result{}, err
	}
	if err := p.checkUnique(); err != nil {
		return Result{}, err
	}
	return Result{Members: p.next, Diff: p.diff}, nil
}

// planner holds the working state of one Plan call.
type planner struct {
	t         Target
	b         Batch
	next      []Member
	diff      Diff
	servers   map[string]Server
	byAddress map[string]Server
	subnets   map[string]Subnet
}

func newPlanner(t Target, b Batch) *planner {
	p := &planner{
		t:         t,
		b:         b,
		next:      append([]Member{}, t.Members...),
		servers:   make(map[string]Server, len(t.Servers)),
		byAddress: make(map[string]Server, len(t.Servers)),
		subnets:   make(map[string]Subnet, len(t.Subnets)),
	}
	for _, s := range t.Servers {
		p.servers[s.ID] = s
		p.byAddress[s.Address] = s
	}
	for _, s := range t.Subnets {
		p.subnets[s.ID] = s
	}
	return p
}

func (p *planner) run() error {
	switch p.b.Action {
	case ActionRemove:
		return p.remove(p.b.Old)
	case ActionAdd:
		return p.add(p.b.New)
	case ActionReplace:
		if err := p.remove(p.b.Old); err != nil {
			return err
		}
		return p.add(p.b.New)
	case ActionReplaceAll:
		return p.replaceAll(p.b.New, true)
	case ActionUpsert:
		return p.replaceAll(p.b.New, false)
	default:
		return p.update(p.b.New)
	}
}

func (p *planner) isDefault() bool { return p.t.Group.Kind == KindDefault }

// find returns the index in p.next of the member s names, or -1.
func (p *planner) find(s Spec) (int, error) {
	match, err := p.matcher(s)
	if err != nil {
		return -1, err
	}
	for i, m := range p.next {
		if match(m) {
			return i, nil
		}
	}
	return -1, nil
}

func (p *planner) matcher(s Spec) (func(Member) bool, error) {
	switch {
	case s.MemberID != "":
		return func(m Member) bool { return m.ID == s.MemberID }, nil
	case s.ServerID != "" && p.isDefault():
		return func(m Member) bool { return m.ServerID == s.ServerID }, nil
	case s.ServerID != "":
		if err := CheckPort(s.Port); err != nil {
			return nil, entryError(s, err)
		}
		return func(m Member) bool { return m.ServerID == s.ServerID && m.Port == s.Port }, nil
	case s.Address != "":
		if !p.isDefault() {
			if err := CheckPort(s.Port); err != nil {
				return nil, entryError(s, err)
			}
		}
		return func(m Member) bool { return m.Address == s.Address && m.Port == s.Port }, nil
	}
	return nil, Errorf(KindInvalid, FieldServerID, "an entry names no server: give a ServerId, a member id or an address")
}

func (p *planner) remove(specs []Spec) error {
	for _, s := range specs {
		i, err := p.find(s)
		if err != nil {
			return err
		}
		if i < 0 {
			if p.b.Strict && !p.alreadyRemoved(s) {
				return Errorf(KindNotFound, fieldOf(s), "%s is not in group %s", s.Label(), p.t.Group.ID)
			}
			continue
		}
		p.diff.Removed = append(p.diff.Removed, p.next[i])
		p.next = append(p.next[:i], p.next[i+1:]...)
	}
	return nil
}

// alreadyRemoved tells an entry listed twice from one that never was in the group.
func (p *planner) alreadyRemoved(s Spec) bool {
	saved := p.next
	p.next = p.diff.Removed
	defer func() { p.next = saved }()
	i, _ := p.find(s)
	return i >= 0
}

func (p *planner) add(specs []Spec) error {
	for _, s := range specs {
		m, err := p.resolve(s)
		if err != nil {
			return err
		}
		p.next = append(p.next, m)
		p.diff.Added = append(p.diff.Added, m)
	}
	return nil
}

func (p *planner) update(specs []Spec) error {
	seen := make(map[string]bool, len(specs))
	for _, s := range specs {
		i, err := p.find(s)
		if err != nil {
			return err
		}
		if i < 0 {
			return Errorf(KindNotFound, fieldOf(s), "%s is not in group %s", s.Label(), p.t.Group.ID)
		}
		before := p.next[i]
		// Found, the entry is named as people know the member: by its server and place, never
		// by the member id a form or a script may have named it by.
		name := describe(before, p.isDefault())
		if seen[before.ID] {
			return Errorf(KindInvalid, fieldOf(s), "%s is listed twice", name)
		}
		seen[before.ID] = true
		if s.Weight == nil && s.Description == nil && s.Maintenance == nil && s.Backup == nil {
			return Errorf(KindInvalid, FieldWeight, "%s: give a weight, a description, maintenance or backup to set", name)
		}
		after, err := p.apply(before, s, name)
		if err != nil {
			return err
		}
		if after != before {
			after.Updated = p.t.Now
			p.next[i] = after
			p.diff.Changed = append(p.diff.Changed, Change{Before: before, After: after})
		}
	}
	return nil
}

// setFlags sets the maintenance and backup flags that s gives on m, and leaves those it does
// not give.
func (s Spec) setFlags(m *Member) {
	if s.Maintenance != nil {
		m.Maintenance = *s.Maintenance
	}
	if s.Backup != nil {
		m.Backup = *s.Backup
	}
}

// apply sets the weight, description, maintenance and backup flag that s gives on m; name is
// m as errors call it.
func (p *planner) apply(m Member, s Spec, name string) (Member, error) {
	s.setFlags(&m)
	if s.Weight != nil {
		if err := CheckWeight(*s.Weight); err != nil {
			return m, namedError(name, err)
		}
		m.Weight = *s.Weight
	}
	if s.Description != nil {
		if err := CheckDescription(*s.Description, p.descriptionLimit()); err != nil {
			return m, namedError(name, err)
		}
		m.Description = *s.Description
	}
	return m, nil
}

// replaceAll makes the listed members the group's, matched on key: a match is updated in place
// and keeps its id, a new one is added. Members not listed are removed when prune is set, and
// kept otherwise (an upsert).
func (p *planner) replaceAll(specs []Spec, prune bool) error {
	wanted := make(map[string]bool, len(specs))
	index := make(map[string]int, len(p.next))
	for i, m := range p.next {
		index[p.key(m)] = i
	}
	var kept []Member
	for _, s := range specs {
		// Whether the server may join is asked only of members that join: one that stays
		// (stopped since it joined, say) keeps its place.
		m, err := p.resolveEntry(s, false)
		if err != nil {
			return err
		}
		k := p.key(m)
		if wanted[k] {
			return Errorf(KindConflict, fieldOf(s), "%s is listed twice", s.Label())
		}
		wanted[k] = true
		i, ok := index[k]
		if s.MemberID != "" && (!ok || p.next[i].ID != s.MemberID) {
			// An entry read from the group earlier names the member it was: if another member
			// holds its place now, or none, the group changed since it was read.
			return Errorf(KindConflict, FieldMemberID, "member %s is no longer the member at %s in group %s: the group changed since it was read; read it again",
				s.MemberID, s.Label(), p.t.Group.ID)
		}
		if !ok {
			if err := p.checkJoining(s); err != nil {
				return err
			}
			kept = append(kept, m)
			p.diff.Added = append(p.diff.Added, m)
			continue
		}
		before := p.next[i]
		after := before
		after.Weight, after.Description = m.Weight, m.Description
		if s.Weight == nil {
			after.Weight = before.Weight
		}
		if s.Description == nil {
			after.Description = before.Description
		}
		s.setFlags(&after)
		if after != before {
			after.Updated = p.t.Now
			p.diff.Changed = append(p.diff.Changed, Change{Before: before, After: after})
		}
		kept = append(kept, after)
	}
	if !prune {
		// Members keep their places; new ones join at the end.
		for _, m := range kept {
			if i, ok := index[p.key(m)]; ok {
				p.next[i] = m
			} else {
				p.next = append(p.next, m)
			}
		}
		return nil
	}
	for _, m := range p.next {
		if !wanted[p.key(m)] {
			p.diff.Removed = append(p.diff.Removed, m)
		}
	}
	p.next = kept
	return nil
}

// key is what must be unique in a group: the server in the default list, (Address, Port) elsewhere.
func (p *planner) key(m Member) string {
	if p.isDefault() {
		if m.ServerID != "" {
			return m.ServerID
		}
		return m.Address
	}
	return fmt.Sprintf("%s:%d", m.Address, m.Port)
}

func (p *planner) checkUnique() error {
	seen := make(map[string]bool, len(p.next))
	for _, m := range p.next {
		k := p.key(m)
		if seen[k] {
			return Errorf(KindConflict, FieldServerID, "%s is already in group %s", describe(m, p.isDefault()), p.t.Group.ID)
		}
		seen[k] = true
	}
	return nil
}

func describe(m Member, isDefault bool) string {
	name := m.ServerID
	if name == "" {
		name = m.Address
	}
	if isDefault {
		return name
	}
	if m.ServerID != "" {
		return fmt.Sprintf("%s (%s:%d)", name, m.Address, m.Port)
	}
	return fmt.Sprintf("%s:%d", name, m.Port)
}

func (p *planner) descriptionLimit() int {
	if p.b.DescriptionLimit > 0 {
		return p.b.DescriptionLimit
	}
	return MaxDescriptionLen
}

func fieldOf(s Spec) string {
	switch {
	case s.MemberID != "":
		return FieldMemberID
	case s.ServerID != "":
		return FieldServerID
	}
	return FieldAddress
}

// entryError prefixes a rule's message with the entry it is about.
func entryError(s Spec, err error) error { return namedError(s.Label(), err) }

// namedError prefixes a rule's message with the name of what it is about.
func namedError(name string, err error) error {
	e, ok := AsError(err)
	if !ok {
		return err
	}
	return &Error{Kind: e.Kind, Field: e.Field, Message: name + ": " + e.Message}
}
