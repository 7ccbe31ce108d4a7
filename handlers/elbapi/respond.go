package elbapi

import (
	"encoding/json"
	"net/http"
	"time"

	"lbconsole/db"
	"lbconsole/lb"
)

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Every value answered is a plain struct of strings, numbers and slices.
		panic("elbapi: unable to encode a response: " + err.Error())
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// timeLayout is Octavia's: no zone and no Z, which gophercloud's JSONRFC3339NoZ requires.
const timeLayout = "2006-01-02T15:04:05"

// provisioningActive is every member's provisioning_status: a batch is applied when it is
// answered, and the data plane converges on it from there.
const provisioningActive = "ACTIVE"

// memberJSON is a member as Octavia shows it. The fields that lbconsole has no notion of
// hold the only values it honours: no monitor address, no tags.
type memberJSON struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Address            string   `json:"address"`
	ProtocolPort       int      `json:"protocol_port"`
	SubnetID           string   `json:"subnet_id"`
	PoolID             string   `json:"pool_id"`
	ProjectID          string   `json:"project_id"`
	Weight             int      `json:"weight"`
	AdminStateUp       bool     `json:"admin_state_up"`
	ProvisioningStatus string   `json:"provisioning_status"`
	OperatingStatus    string   `json:"operating_status"`
	Backup             bool     `json:"backup"`
	MonitorAddress     *string  `json:"monitor_address"`
	MonitorPort        *int     `json:"monitor_port"`
	Tags               []string `json:"tags"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
}

// viewMember shows m, a member of pool, with what the pool's HAProxy nodes observed of it (h;
// see db.MemberOperatingStatus). Its project is the pool's load balancer: the one owner a
// member has here, and what a client needs to find the pool in the console.
func viewMember(pool lb.Group, m lb.Member, h db.MemberHealth) memberJSON {
	return memberJSON{
		ID:                 m.ID,
		Name:               m.Description,
		Address:            m.Address,
		ProtocolPort:       m.Port,
		SubnetID:           m.SubnetID,
		PoolID:             pool.ID,
		ProjectID:          pool.LoadBalancerID,
		Weight:             m.Weight,
		AdminStateUp:       !m.Maintenance,
		Backup:             m.Backup,
		ProvisioningStatus: provisioningActive,
		OperatingStatus:    string(db.MemberOperatingStatus(m, h)),
		Tags:               []string{},
		CreatedAt:          formatTime(m.Created),
		UpdatedAt:          formatTime(m.Updated),
	}
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// memberEnvelope is the body of one member.
type memberEnvelope struct {
	Member memberJSON `json:"member"`
}

// link is an Octavia pagination link; gophercloud's pager follows the one with rel "next".
type link struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}
