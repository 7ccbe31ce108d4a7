package elbapi

import "lbconsole/lb"

// readBack holds the attributes of a member that the server reports and a client cannot set.
// A batch entry accepts them, so that members read with GET can be sent back as they came:
// pool_id must name the pool the URL names (a member cannot move to another pool), and the
// statuses and times are ignored, as the server's to say.
type readBack struct {
	PoolID             *string `json:"pool_id,omitempty"`
	ProvisioningStatus *string `json:"provisioning_status,omitempty"`
	OperatingStatus    *string `json:"operating_status,omitempty"`
	CreatedAt          *string `json:"created_at,omitempty"`
	UpdatedAt          *string `json:"updated_at,omitempty"`
}

// addPool records the pool_id an entry named, for readChange to check against the URL's.
func (d *decoded) addPool(p *string) {
	if p != nil {
		d.pools = append(d.pools, *p)
	}
}

// checkPools refuses a pool_id other than pool's: in a body, a member read from another
// pool; in a query, a member looked for in another pool than the URL names.
func checkPools(pool lb.Group, ids []string) error {
	for _, id := range ids {
		if id != pool.ID {
			return bad("pool_id %q is not the pool the URL names (%s): a member belongs to one pool; leave pool_id out or send the member to its own pool", lb.Clip(id), pool.ID)
		}
	}
	return nil
}

// addressKey is what must be unique among the members one body adds or lists.
func addressKey(s lb.Spec) string { return s.Address + ":" + itoa(s.Port) }
