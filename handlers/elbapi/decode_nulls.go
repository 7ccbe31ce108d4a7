package elbapi

import (
	"bytes"
	"encoding/json"
)

// restDefaultWeight is a member's weight when none is given, as the REST API's seed says.
const restDefaultWeight = 1

// resetNulls gives the member settings an update sets to null their defaults, as Octavia does:
// `openstack loadbalancer member unset --weight --name` sends {"weight": null, "name": null}
// and means "back to weight 1 and no name", not "leave them"; a null backup means not a backup.
// The other settings (admin_state_up, and those lbconsole has no notion of: monitor_address,
// monitor_port, tags) are left as they are by a null.
func resetNulls(body []byte, m *updateFields) {
	var in struct {
		Member map[string]json.RawMessage `json:"member"`
	}
	if json.Unmarshal(body, &in) != nil { // decodeStrict has read it whole already
		return
	}
	isNull := func(key string) bool {
		v, ok := in.Member[key]
		return ok && bytes.Equal(bytes.TrimSpace(v), []byte("null"))
	}
	if isNull("weight") {
		w := restDefaultWeight
		m.Weight = &w
	}
	if isNull("name") {
		none := ""
		m.Name = &none
	}
	if isNull("backup") {
		active := false
		m.Backup = &active
	}
}
