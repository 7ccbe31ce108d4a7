"""Drives lbconsole's pool API with openstacksdk's load_balancer proxy, as a script would, and
prints what it saw as one JSON object for TestOpenStackSDK (openstack_cli_test.go) to check.

Usage: /usr/bin/python3 openstacksdk_members.py ENDPOINT TOKEN POOL_ID NEW_ADDRESS

All of it runs in one interpreter: starting Python with openstacksdk takes about a second.
"""
import json
import sys

import openstack

endpoint, token, pool_id, address = sys.argv[1:5]


def connect(**extra):
    return openstack.connect(auth_type="token_endpoint", endpoint=endpoint, token=token, **extra).load_balancer


def member(m):
    return {"id": m.id, "name": m.name, "address": m.address, "protocol_port": m.protocol_port, "weight": m.weight}


lbx = connect()
out = {}
out["load_balancers"] = [
    {"id": l.id, "name": l.name, "provisioning_status": l.provisioning_status} for l in lbx.load_balancers()
]
# Given an endpoint override, openstacksdk first asks it for the API's versions (no token,
# Accept: application/json), then follows the version's self link.
out["discovered"] = {
    form or "/": len(list(connect(load_balancer_endpoint_override=endpoint + form).load_balancers()))
    for form in ("", "/v2.0", "/v2")
}
pool = lbx.find_pool(pool_id)
out["pool"] = {"id": pool.id, "name": pool.name, "loadbalancers": [l["id"] for l in pool.loadbalancers]}
out["pools_of_lb"] = [p.id for p in lbx.pools(loadbalancer_id=pool.loadbalancers[0]["id"])]
out["members"] = [member(m) for m in lbx.members(pool)]
out["members_paged"] = [m.id for m in lbx.members(pool_id, limit=2)]
found = lbx.find_member(out["members"][0]["id"], pool_id)
out["found_by_id"] = found.id if found else None
created = lbx.create_member(pool, address=address, protocol_port=8082, name="sdk-new", weight=3)
out["created"] = member(created)
out["updated"] = member(lbx.update_member(created, pool_id, weight=9))
out["reset"] = member(lbx.update_member(created.id, pool_id, weight=None))
lbx.delete_member(created.id, pool_id)
try:
    lbx.get_member(created.id, pool_id)
    out["after_delete"] = "still there"
except openstack.exceptions.ResourceNotFound as e:
    out["after_delete"] = {"status": e.status_code, "request_id": e.request_id, "details": e.details}
print(json.dumps(out))
