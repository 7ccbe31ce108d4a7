package elbapi

import (
	"strconv"

	"lbconsole/lb"
)

// batchEntry is one entry of a batch body: a member id for delete, a member as it should be
// otherwise (for replace, with the id of the member it was read as, if it was read).
type batchEntry struct {
	ID *string `json:"id,omitempty"`
	memberFields
	readBack
}

// batchBody is the body of PUT …/pools/{pool_id}/members.
type batchBody struct {
	Members *[]*batchEntry `json:"members"`
	Action  *string        `json:"action"`
}

// executedBatch is a batch as it runs, for the audit log: the effective action always named,
// additive_only when it was asked for, and of each member only the fields it gave (of a
// member to delete, only its id: the one field a delete reads).
type executedBatch struct {
	Action       string        `json:"action"`
	AdditiveOnly bool          `json:"additive_only,omitempty"`
	Members      []*batchEntry `json:"members"`
}

// decodeBatch reads a batch body. No action means replace, as in Octavia: the pool becomes
// exactly the list, matched on (address, protocol_port). With additiveOnly (Octavia's
// ?additive_only=true) a replace only creates or updates the members listed and deletes none;
// an add deletes none anyway, and a delete cannot go with it. Delete names members by id, and
// any other field of a delete entry is ignored, so that members read from GET can be sent back;
// so can they to a replace, which takes their ids (see decodeNewMembers).
func decodeBatch(body []byte, additiveOnly bool) (decoded, error) {
	var in batchBody
	if err := decodeStrict(body, &in); err != nil {
		return decoded{}, err
	}
	if in.Members == nil {
		return decoded{}, bad(`the body needs a "members" list (an empty one is allowed)`)
	}
	entries := *in.Members
	if err := lb.CheckBatchSize(len(entries), lb.MaxRESTEntries); err != nil {
		return decoded{}, err
	}
	action := actionReplace
	if in.Action != nil {
		action = *in.Action
	}
	var out decoded
	var err error
	switch action {
	case actionAdd, actionReplace:
		out, err = decodeNewMembers(entries, batchAction(action, additiveOnly))
	case actionDelete:
		if additiveOnly {
			return decoded{}, bad("action delete cannot go with additive_only=true, which deletes nothing")
		}
		out, err = decodeDeletes(entries)
		entries = idsOnly(entries)
	default:
		return decoded{}, bad("action must be add, delete or replace (or absent, meaning replace), not %q", action)
	}
	if err != nil {
		return decoded{}, err
	}
	for _, e := range entries {
		e.readBack = readBack{} // checked or ignored: not part of the request as it runs
	}
	out.request = encodeRequest(executedBatch{Action: action, AdditiveOnly: additiveOnly, Members: entries})
	return out, nil
}

// batchAction is the domain's action for add or replace.
func batchAction(action string, additiveOnly bool) lb.Action {
	switch {
	case action == actionAdd:
		return lb.ActionAdd
	case additiveOnly:
		return lb.ActionUpsert
	}
	return lb.ActionReplaceAll
}

// decodeNewMembers reads the entries of an add or a replace. Within one body each address and
// protocol_port may appear once: a body that repeats one contradicts itself, which is a bad
// request (400), not a conflict with the pool (409). A replace takes the id of a member read
// with GET, which must still be the member at that address and port when the batch runs.
func decodeNewMembers(entries []*batchEntry, action lb.Action) (decoded, error) {
	out := decoded{batch: newBatch(action)}
	seen := make(map[string]int, len(entries))
	for i, e := range entries {
		label := entryLabel(i)
		if e == nil {
			return decoded{}, bad("%s is null: give a member object", label)
		}
		s, err := e.spec(label)
		if err != nil {
			return decoded{}, err
		}
		if s.MemberID, err = entryID(e, label, action); err != nil {
			return decoded{}, err
		}
		if first, ok := seen[addressKey(s)]; ok {
			return decoded{}, bad("%s repeats %s: %s:%d is listed twice; list each address and protocol_port once", label, entryLabel(first), s.Address, s.Port)
		}
		seen[addressKey(s)] = i
		out.batch.New = append(out.batch.New, s)
		out.addProject(e.ProjectID)
		out.addPool(e.PoolID)
	}
	return out, nil
}

// entryID reads the id of an add or replace entry: none in an add, where the server assigns
// ids; in a replace, the member the entry was read as.
func entryID(e *batchEntry, label string, action lb.Action) (string, error) {
	switch {
	case e.ID == nil:
		return "", nil
	case action == lb.ActionAdd:
		return "", bad("%s: id is not accepted with action add: the server assigns member ids (a replace takes the ids of members read with GET)", label)
	case len(*e.ID) > maxMemberIDLen:
		return "", bad("%s: id is %d characters long: member ids have at most %d", label, len(*e.ID), maxMemberIDLen)
	}
	return *e.ID, nil
}

func decodeDeletes(entries []*batchEntry) (decoded, error) {
	out := decoded{batch: newBatch(lb.ActionRemove)}
	out.batch.Strict = true
	for i, e := range entries {
		label := entryLabel(i)
		if e == nil || e.ID == nil || *e.ID == "" {
			return decoded{}, bad("%s needs the id of the member to delete", label)
		}
		if len(*e.ID) > maxMemberIDLen {
			return decoded{}, bad("%s: id is %d characters long: member ids have at most %d", label, len(*e.ID), maxMemberIDLen)
		}
		out.batch.Old = append(out.batch.Old, lb.Spec{MemberID: *e.ID})
		out.addPool(e.PoolID)
	}
	return out, nil
}

// idsOnly keeps of each entry the id, all that a delete reads.
func idsOnly(entries []*batchEntry) []*batchEntry {
	out := make([]*batchEntry, len(entries))
	for i, e := range entries {
		out[i] = &batchEntry{ID: e.ID}
	}
	return out
}

func entryLabel(i int) string { return "members[" + strconv.Itoa(i) + "]" }
