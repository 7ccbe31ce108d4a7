package lb

// resolve turns an entry into the new member it describes, enforcing every rule a new member
// must keep: an inventory server that exists, runs and sits in the load balancer's VPC, or an
// IPv4 address inside a subnet of that VPC; a port in range (none in the default list); a
// weight in range; a description within its limit.
func (p *planner) resolve(s Spec) (Member, error) { return p.resolveEntry(s, true) }

// resolveEntry is resolve, checking whether the entry's server may join only when joining is
// set: a server that is already a member stays one when it stops, and a list that keeps it
// must not be refused for it (see checkJoining).
func (p *planner) resolveEntry(s Spec, joining bool) (Member, error) {
	m := Member{
		GroupID: p.t.Group.ID,
		Type:    TypeECS,
		Created: p.t.Now,
		Updated: p.t.Now,
	}
	var err error
	switch {
	case s.ServerID != "":
		err = p.resolveServer(&m, s, joining)
	case s.Address != "":
		err = p.resolveAddress(&m, s)
	default:
		err = Errorf(KindInvalid, FieldServerID, "an entry names no server: give a ServerId or an address")
	}
	if err != nil {
		return Member{}, err
	}
	if err := p.resolveAttributes(&m, s); err != nil {
		return Member{}, entryError(s, err)
	}
	m.ID = p.newID()
	return m, nil
}

func (p *planner) resolveServer(m *Member, s Spec, joining bool) error {
	srv, ok := p.servers[s.ServerID]
	if !ok {
		return Errorf(KindNotFound, FieldServerID, "server %s does not exist in the inventory", s.ServerID)
	}
	if joining {
		if err := CheckCandidate(p.t.LoadBalancer, srv); err != nil {
			return err
		}
	}
	sn, ok := p.subnets[srv.SubnetID]
	if !ok {
		return Errorf(KindInvalid, FieldServerState, "server %s is in VPC %s, not in the load balancer's VPC %s", srv.ID, srv.VpcID, p.t.LoadBalancer.VpcID)
	}
	// The inventory refuses such addresses, but a server may predate that rule.
	if err := CheckAddressInSubnet(srv.Address, sn); err != nil {
		return Errorf(KindInvalid, FieldServerState, "server %s cannot join: its %s", srv.ID, err.Error())
	}
	m.ServerID, m.Address, m.SubnetID, m.Type = srv.ID, srv.Address, srv.SubnetID, srv.Type
	return nil
}

// checkJoining applies to an entry that adds a member the rule resolveEntry left out: its
// server must be running and in the load balancer's VPC.
func (p *planner) checkJoining(s Spec) error {
	if srv, ok := p.servers[s.ServerID]; ok && s.ServerID != "" {
		return CheckCandidate(p.t.LoadBalancer, srv)
	}
	return nil
}

func (p *planner) resolveAddress(m *Member, s Spec) error {
	if s.SubnetID == "" {
		// No subnet given (the REST API's "subnet_id": null): the address names it.
		sn, err := p.subnetOf(s.Address)
		if err != nil {
			return err
		}
		s.SubnetID = sn.ID
	}
	sn, ok := p.subnets[s.SubnetID]
	if !ok {
		return Errorf(KindInvalid, FieldSubnetID, "subnet %s is not in the load balancer's VPC %s", s.SubnetID, p.t.LoadBalancer.VpcID)
	}
	if err := CheckAddressInSubnet(s.Address, sn); err != nil {
		return err
	}
	m.Address, m.SubnetID = s.Address, s.SubnetID
	if srv, ok := p.byAddress[s.Address]; ok && srv.SubnetID == s.SubnetID {
		m.ServerID, m.Type = srv.ID, srv.Type
	}
	return nil
}

// subnetOf finds the subnet of the load balancer's VPC that holds addr.
func (p *planner) subnetOf(addr string) (Subnet, error) {
	a, err := ParseIPv4(addr)
	if err != nil {
		return Subnet{}, err
	}
	for _, sn := range p.t.Subnets {
		if subnetHolds(a, sn) {
			return sn, nil
		}
	}
	return Subnet{}, Errorf(KindInvalid, FieldAddress, "address %s is in no subnet of the load balancer's VPC %s", addr, p.t.LoadBalancer.VpcID)
}

func (p *planner) resolveAttributes(m *Member, s Spec) error {
	if s.Type != "" && !s.Type.Valid() {
		return Errorf(KindInvalid, FieldType, "type %q is not one of ecs, eni, eci", s.Type)
	}
	if p.isDefault() {
		if s.Port != 0 {
			return Errorf(KindInvalid, FieldPort, "the default server list takes no port (got %d)", s.Port)
		}
	} else if err := CheckPort(s.Port); err != nil {
		return err
	}
	if s.Type != "" && m.ServerID == "" {
		m.Type = s.Type // no inventory server says otherwise
	}
	m.Port = s.Port
	m.Maintenance = s.Maintenance != nil && *s.Maintenance
	m.Backup = s.Backup != nil && *s.Backup
	m.Weight = p.b.DefaultWeight
	if m.Weight == 0 {
		m.Weight = DefaultWeight
	}
	if s.Weight != nil {
		m.Weight = *s.Weight
	}
	if err := CheckWeight(m.Weight); err != nil {
		return err
	}
	if s.Description != nil {
		if err := CheckDescription(*s.Description, p.descriptionLimit()); err != nil {
			return err
		}
		m.Description = *s.Description
	}
	return nil
}

func (p *planner) newID() string {
	if p.t.NewID != nil {
		return p.t.NewID()
	}
	return NewUUID()
}
