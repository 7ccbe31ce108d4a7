package lb

import (
	"fmt"
	"time"
)

// Action names a batch operation.
type Action string

// The batch operations.
const (
	// ActionRemove takes the Old servers out; ones not in the group are ignored unless Strict.
	ActionRemove Action = "remove"
	// ActionAdd puts the New servers in; one already in the group is an error.
	ActionAdd Action = "add"
	// ActionReplace takes the Old servers out and puts the New ones in, in one step.
	ActionReplace Action = "replace"
	// ActionReplaceAll makes the group exactly New, matched on (Address, Port).
	ActionReplaceAll Action = "replace_all"
	// ActionSetWeights changes the weight and description of the New entries' members.
	ActionSetWeights Action = "set_weights"
	// ActionSetMaintenance puts the New entries' members in maintenance or takes them out
	// (their Maintenance), as set_weights sets weights: a change of its own in the audit log.
	ActionSetMaintenance Action = "set_maintenance"
	// ActionSetBackup makes the New entries' members backups or active members again (their
	// Backup).
	ActionSetBackup Action = "set_backup"
	// ActionUpsert puts the New servers in and updates the ones already there, matched as
	// ActionReplaceAll matches them, and removes nothing (Octavia's additive_only).
	ActionUpsert Action = "upsert"
)

// Valid reports whether a is one of the operations.
func (a Action) Valid() bool {
	switch a {
	case ActionRemove, ActionAdd, ActionReplace, ActionReplaceAll, ActionSetWeights, ActionSetMaintenance, ActionSetBackup, ActionUpsert:
		return true
	}
	return false
}

// Spec is one entry of a batch, as a caller gives it. An entry names an existing member by
// MemberID, by ServerID (and Port in a VServer group) or by Address and Port; a new member by
// ServerID (looked up in the inventory) or by Address and SubnetID. Nil pointers mean "not given".
type Spec struct {
	MemberID    string
	ServerID    string
	Address     string
	SubnetID    string
	Port        int
	Weight      *int
	Type        ServerType
	Description *string
	// Maintenance puts the member in maintenance (true) or takes it out (false).
	Maintenance *bool
	// Backup makes the member a backup (true) or an active member again (false).
	Backup *bool
}

// Label names the entry in messages.
func (s Spec) Label() string {
	name := s.ServerID
	switch {
	case name == "" && s.Address != "":
		name = s.Address
	case name == "" && s.MemberID != "":
		name = "member " + s.MemberID
	case name == "":
		name = "entry"
	}
	if s.Port != 0 {
		return fmt.Sprintf("%s:%d", name, s.Port)
	}
	return name
}

// Batch is one requested change to one group.
type Batch struct {
	Action Action
	Old    []Spec // servers leaving: remove, replace
	New    []Spec // servers arriving or changing: add, replace, replace_all, set_weights, upsert
	// Strict makes an Old entry that matches no member an error instead of being ignored.
	Strict bool
	// Limit is the most entries each list may hold; zero means MaxConsoleEntries.
	Limit int
	// DefaultWeight applies to new members given without a weight; zero means DefaultWeight.
	DefaultWeight int
	// DescriptionLimit is the longest description allowed; zero means MaxDescriptionLen.
	DescriptionLimit int
}

// Size is the number of entries the batch names.
func (b Batch) Size() int { return len(b.Old) + len(b.New) }

// Target is the state a batch is planned on, as the store loaded it.
type Target struct {
	LoadBalancer LoadBalancer
	Group        Group
	Members      []Member
	// Servers holds the inventory servers the batch names, by id or by address.
	Servers []Server
	// Subnets holds the subnets of the load balancer's VPC.
	Subnets []Subnet
	// NewID makes member ids; nil means NewUUID.
	NewID func() string
	Now   time.Time
}

// Change is one member before and after a weight or description change.
type Change struct {
	Before Member
	After  Member
}

// Diff is what a batch changes: what the console previews and the audit log records.
type Diff struct {
	Removed []Member
	Added   []Member
	Changed []Change
}

// Empty reports whether the diff changes nothing.
func (d Diff) Empty() bool { return len(d.Removed)+len(d.Added)+len(d.Changed) == 0 }

// Count is the number of members the diff touches.
func (d Diff) Count() int { return len(d.Removed) + len(d.Added) + len(d.Changed) }

// Before lists the affected members as they were.
func (d Diff) Before() []Member {
	out := append([]Member{}, d.Removed...)
	for _, c := range d.Changed {
		out = append(out, c.Before)
	}
	return out
}

// After lists the affected members as they become.
func (d Diff) After() []Member {
	out := append([]Member{}, d.Added...)
	for _, c := range d.Changed {
		out = append(out, c.After)
	}
	return out
}

// Result is a planned batch: the group's next members and the diff that leads there.
type Result struct {
	Members []Member
	Diff    Diff
}
