// Package dataplane makes HAProxy nodes match lbconsole's desired state: it knows HAProxy's
// Runtime API through dataplane/haproxy, and nothing of SQL or HTTP.
//
// The pieces, from pure to running:
//
//   - Desired describes one node: the backends lbconsole manages there (they must exist in
//     haproxy.cfg), each with its desired servers and a drain timeout. Validate refuses what
//     HAProxy would refuse, naming the backend, server and field.
//   - Plan(desired, actual, now, state) is a pure function: the operations that move the node
//     one step closer, what waits and why, the drift it found, the servers it does not own, and
//     the observed state of each desired server. See Plan for the rules.
//   - Executor applies operations through a haproxy.Client, retrying what did not get through
//     and reporting an Outcome for each operation; a failure stops only the later operations on
//     the same server.
//   - Reconciler runs passes (read desired, read actual, plan, save State, apply, report) at
//     start, on Kick and periodically, and reports each through a callback.
//
// # Ownership
//
// Only backends named in Desired are read or changed. In such a backend, a server belongs to
// lbconsole when its name starts with Prefix ("lbc-"), or when the backend's Adopt list names
// it. Server.Name makes the name from the member id and a hash of the address, port and health
// check settings, so that the names alone tell which servers are desired: no record of what was
// added is needed, and a console that died midway finds its way after a restart. Every other
// server is Foreign: reported, never touched. A backend dropped from Desired keeps its servers;
// to empty a backend, leave it in Desired with no servers until it is empty.
//
// # Replacing and removing without dropping traffic
//
// A server whose address, port or health check changes gets another name, so a change is a
// replacement: the new server is added (add, enable health) and staged in drain, where it takes
// no request while its health check runs; once that check has concluded it is made ready (and
// stays down if the check failed: HAProxy would count a server made ready straight out of
// maintenance up). Servers leaving the backend are drained only once every desired server is
// ready and checked and one of them serves, so the new servers take traffic before the old ones
// stop. A drained server is put in maintenance and deleted once its sessions reach zero, or once
// it has drained for the backend's DrainTimeout, when its remaining sessions are cut (HAProxy
// refuses to delete a server that still has connections).
//
// # Time and restarts
//
// The drain clock is part of State, which the caller persists (it is JSON) before the pass
// applies its operations. State is derived from what is observed, never from what was merely
// intended: a drain's clock starts at the first pass that sees the server draining, so a drain
// that never reached HAProxy starts no clock, and a lost State restarts clocks (longer waits,
// never shorter). State also remembers which servers were last seen matching their desired
// settings: a difference on such a server while its desired settings stayed the same is drift
// (a change by hand on the socket, a server deleted, HAProxy restarted), corrected and reported.
//
// # What the reconciler can and cannot set (HAProxy 2.6)
//
// It sets, per server: address and port, weight (0–256), ready/drain/maint, health check on or
// off, and, when adding, the check's interval, rise and fall. It cannot set the kind of health
// check: HTTP checks (method, path) come from the backend's `option httpchk` in haproxy.cfg,
// which the Runtime API of 2.6 cannot change; Plan reports a Problem when the observed checks are
// not of the desired kind. It cannot create or delete backends, nor give a health check to a
// server created without one.
package dataplane
