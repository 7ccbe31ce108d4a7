package elbapi

import "lbconsole/lb"

// createBody is the body of POST …/pools/{pool_id}/members.
type createBody struct {
	Member *memberFields `json:"member"`
}

// decodeCreate reads a new member: a batch that adds one.
func decodeCreate(body []byte) (decoded, error) {
	var in createBody
	if err := decodeStrict(body, &in); err != nil {
		return decoded{}, err
	}
	if in.Member == nil {
		return decoded{}, bad(`the body needs a "member" object`)
	}
	s, err := in.Member.spec("member")
	if err != nil {
		return decoded{}, err
	}
	out := decoded{batch: newBatch(lb.ActionAdd), request: encodeRequest(in)}
	out.batch.New = []lb.Spec{s}
	out.addProject(in.Member.ProjectID)
	return out, nil
}

// updateFields is what PUT …/members/{member_id} may change: the name, the weight,
// admin_state_up (false: maintenance) and backup. Address, port and subnet make a member what it is; to
// change them, delete it and create another.
type updateFields struct {
	Name   *string `json:"name,omitempty"`
	Weight *int    `json:"weight,omitempty"`
	octaviaFields
}

type updateBody struct {
	Member *updateFields `json:"member"`
}

// decodeUpdate reads a member update into a batch on memberID: set_weights when it gives a
// weight or a name, else set_maintenance when it gives admin_state_up, else set_backup; a null
// weight, name or backup resets it (see resetNulls). It reports false when the body changes nothing (only Octavia settings at the
// values lbconsole honours).
func decodeUpdate(body []byte, memberID string) (decoded, bool, error) {
	var in updateBody
	if err := decodeStrict(body, &in); err != nil {
		return decoded{}, false, err
	}
	if in.Member == nil {
		return decoded{}, false, bad(`the body needs a "member" object`)
	}
	if err := in.Member.check("member"); err != nil {
		return decoded{}, false, err
	}
	resetNulls(body, in.Member)
	f := in.Member
	action := lb.ActionSetWeights
	switch {
	case f.Weight != nil || f.Name != nil:
	case f.AdminStateUp != nil:
		action = lb.ActionSetMaintenance
	case f.Backup != nil:
		action = lb.ActionSetBackup
	}
	out := decoded{batch: newBatch(action), request: encodeRequest(in)}
	out.batch.New = []lb.Spec{{MemberID: memberID, Weight: f.Weight, Description: f.Name, Maintenance: f.maintenance(), Backup: f.Backup}}
	return out, f.Weight != nil || f.Name != nil || f.AdminStateUp != nil || f.Backup != nil, nil
}
