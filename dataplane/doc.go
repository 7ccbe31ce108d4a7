// Package dataplane makes HAProxy nodes match lbconsole's desired state: it knows HAProxy's
// Runtime API through dataplane/haproxy, and nothing of SQL or HTTP.
//
// The pieces, from pure to running:
//
//   - Desired describes one node: the backends lbconsole manages there (they must exist in
//     haproxy.cfg), each with its desired servers, a drain timeout and the caller's Version.
//     Validate refuses what HAProxy would refuse, naming the backend, server and field.
//   - Plan(desired, actual, now, state) is a pure function: the operations that move the node
//     one step closer, what waits and why, the drift it found, the servers it does not own, the
//     observed state of each desired server, the servers on their way out, the adopted names
//     released, and per backend whether it has converged. See Plan for the rules.
//   - Executor applies operations through a haproxy.Client, retrying what did not get through
//     and reporting an Outcome for each operation; a failure stops only the later operations on
//     the same server. ReadActual reads a whole node in two commands, whatever its size.
//   - Reconciler runs passes (read desired, read actual, plan, save State, apply, report) at
//     start, on Kick and periodically, and reports each through a callback.
//   - Propose reads a running node and proposes its backends and servers for adoption.
//
// # Ownership
//
// Only backends named in Desired are read or changed. In such a backend, a server belongs to
// lbconsole when its name starts with Prefix ("lbc-"), when a desired Server names it as
// Adopted, or when the backend's Adopt list names it. Server.Name makes the name from the member
// id and a hash of the address, port, backup flag and health check settings, so that the names
// alone tell which servers are desired: no record of what was added is needed, and a console
// that died midway finds its way after a restart. Every other server is Foreign: reported,
// never touched. A backend dropped from Desired keeps its servers; to empty a backend, leave it
// in Desired with no servers until it is empty.
//
// # Adoption
//
// A team starts from its running HAProxy: Propose reads every backend and server and says what
// could be adopted and what stands in the way (static-rr and hashing backends refuse servers
// added at runtime; servers given by host name or without a port cannot be members).
// ProposedServer.Server makes the desired server that adopts one: same address, port, backup
// flag and state, and Adopted set to its name. Adopting then reconciling changes nothing in
// HAProxy: while the adopted server fits its desired server (address, port, backup flag, and a
// health check configured if one is desired), it is that server, kept under its name, its
// weight, drain or maintenance and health check on/off corrected in place. Its check's interval
// (which the Runtime API does not show), rise, fall and kind are taken as they are and never
// cause a replacement: only servers lbconsole adds get the group's check. What the Runtime API
// cannot change in place (address, port, backup flag, a check on a server created without one)
// replaces it: a server of lbconsole's naming is added and staged, and the adopted one leaves
// like any other, drained once the replacement serves, then deleted.
//
// The caller records, per backend, the adopted names it has not seen released. A name stays in
// the desired state as long as it is recorded: as its member's Server.Adopted while the member
// is desired, and in Backend.Adopt once the member is gone, so that it keeps being owned (and
// leaves) after a restart without any memory here. Every pass reports as Released the recorded
// names the node does not have, whether the pass deleted them or they were already gone (so a
// lost report is made good by the next pass); the caller forgets a name once every node of the
// backend has released it. Keeping a name longer is harmless, and has a use: a restarted HAProxy
// brings back the servers of haproxy.cfg, and a name still in Adopt is then removed again
// instead of serving as Foreign. Remove adopted servers from haproxy.cfg once adopted.
//
// # Desired states of a server
//
// A server of weight 0 is drained (HAProxy's drain state; a server HAProxy has at weight 0 is
// taken as drained too, since it takes no new requests either): it keeps its sessions and shows
// as draining with them, and stays, never deleted. A server in Maintenance (the REST API's
// admin_state_up false) is put in maintenance, where it takes no traffic, and stays. Both are
// derived from the desired state and what is observed, so they survive restarts of the console
// and of HAProxy, and only a change made by hand against a state once matched is drift. Back to
// a weight, the server is made ready with it. A server with a health check leaving maintenance
// (new, or wanted back) is staged in drain until its check confirms or refutes it: leaving
// maintenance, HAProxy counts a server up whatever its check said, until a check fails. A
// Backup server takes requests only when no active server is up; HAProxy 2.6 cannot change the
// flag at runtime, so it is part of the name and a change is a replacement.
//
// # Replacing and removing without dropping traffic
//
// A server whose address, port, backup flag or health check changes gets another name, so a
// change is a replacement: the new server is added (add, enable health) and staged in drain,
// where it takes no request while its health check runs; once that check has concluded it is
// made ready (and stays down if the check failed). Servers leaving the backend are drained only
// once every desired server meant to serve (weight above 0, not in maintenance) is ready and
// checked and one of them serves, so the new servers take traffic before the old ones stop. A
// drained server is put in maintenance and deleted once its sessions reach zero, or once it has
// drained for the backend's DrainTimeout, when its remaining sessions are cut (HAProxy refuses
// to delete a server that still has connections). Result.Leaving lists the servers on their
// way out with their clocks; LeavingServer.Describe says "draining: 3 sessions, 12 s left".
//
// # Time and restarts
//
// The drain clock is part of State, which the caller persists (it is JSON) before the pass
// applies its operations. State is derived from what is observed, never from what was merely
// intended: a drain's clock starts at the first pass that sees the server draining, so a drain
// that never reached HAProxy starts no clock, and a lost State restarts clocks (longer waits,
// never shorter). State also remembers which servers were last seen matching their desired
// weight and state: a difference on such a server while its desired settings stayed the same is
// drift (a change by hand on the socket, a server deleted, HAProxy restarted), corrected and
// reported.
//
// # What the console and the APIs read
//
// Observed (one per desired server) carries HAProxy's status, the check's verdict and detail,
// sessions and rate. Observed.SLBHealth is DescribeHealthStatus's answer (normal, abnormal,
// unavailable) and Observed.OperatingStatus the REST API's operating_status (ONLINE, ERROR,
// DRAINING, OFFLINE, NO_MONITOR); SLBHealthOf and OperatingStatusOf combine the nodes serving a
// member, worst first.
//
// A Report says per backend whether the node had converged on it (nothing to do, to wait for,
// or beyond reach) and echoes the backend's Version: "node N runs version V of group G since
// the pass that started at T". For metrics: passes by Status (StatusUnreachable for
// reachability), operations by Op.Kind and Outcome.Result, Report.DriftCorrected, and the
// apply-to-converged latency as the Started of the first pass that reports a backend converged
// on version V, less the time the caller kicked for V.
//
// # What the reconciler can and cannot set (HAProxy 2.6)
//
// It sets, per server: address and port, weight (0–256), ready/drain/maint, health check on or
// off, and, when adding, the backup flag and the check's interval, rise and fall. It cannot set
// the kind of health check: HTTP checks (method, path) come from the backend's `option httpchk`
// in haproxy.cfg, which the Runtime API of 2.6 cannot change; Plan reports a Problem when the
// observed checks are not of the desired kind. It cannot create or delete backends, nor give a
// health check to a server created without one, nor change a server's backup flag.
package dataplane
