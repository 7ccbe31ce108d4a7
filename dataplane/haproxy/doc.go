// Package haproxy is a client of HAProxy's Runtime API (the "stats socket"), and knows nothing
// else: no lbconsole types, no SQL, no HTTP.
//
// A Client addresses one node, "unix:/path/to/admin.sock" or "tcp:HOST:PORT", and sends one
// command per connection: HAProxy's non-interactive mode answers one command, then closes. Every
// command is bounded by the caller's context and by DefaultTimeout, whichever ends first. Errors
// name the node and the command; when HAProxy itself refuses, the error is an *Error carrying
// HAProxy's own text, and IsRefused tells it apart from an unreachable or silent node.
//
// The typed operations check their arguments before sending anything: names must use HAProxy's
// characters (letters, digits, '-', '_', '.', ':'), and no word may hold a space, ';' or a
// control character, which the Runtime API would read as a second word or a second command.
//
// # What HAProxy 2.6 does (verified on Debian's 2.6.12, and pinned by this package's tests)
//
//   - `add server B/S ADDR:PORT weight W check inter 200ms rise R fall F` answers "New server
//     registered." The server starts in maintenance (srv_admin_state 1, status "MAINT") whatever
//     its health, and its check is configured but not enabled (srv_check_state 0x02): it needs
//     `enable health B/S` and then `set server B/S state ready`. (The `enabled` keyword would
//     start it ready, before its check is on; we do not use it.)
//   - `enable health` starts the checks at once, and the checks of a server added at runtime run
//     even while it is in maintenance (srv_check_state 0x06: not paused; a server put in
//     maintenance by `state maint` has its checks paused, 0x0e). check_status reads "INI"
//     (Initializing) until the first check concludes.
//   - `set server … state ready` out of maintenance counts the server UP whatever its check said
//     ("UP/READY (leaving forced maintenance)"): it takes requests until the next check fails,
//     `fall` times. `state drain` out of maintenance ("UP/DRAIN (leaving forced maintenance)")
//     takes none, lets the check decide (status "DRAIN 1/2", then "DRAIN" or "DOWN"), and `ready`
//     from there keeps the verdict: a server whose check failed stays DOWN. The data plane stages
//     new servers that way.
//   - srv_check_result goes back to 0 (unknown) while each check is in progress, so it flickers
//     on a healthy server; srv_op_state carries the verdict (Server.Serving uses it).
//   - The kind of check is the backend's: with `option httpchk` in haproxy.cfg, a server added
//     with `check` is checked over HTTP (check_status L7OK, check_code 200); without it, by TCP
//     connect (L4OK). `add server` takes no path or method (for example `check-uri` is "unknown
//     keyword"), and no Runtime API command sets `option httpchk` in 2.6. `inter`, `rise` and
//     `fall` are set only by `add server`; to change them the server must be added anew.
//   - `enable health` on a server added without `check` is refused: "Health check was not
//     configured on this server, cannot enable."
//   - Weight: `add server … weight 300` is refused ("weight of server S is not within 0 and 256
//     (300).."), as is `set server … weight 257` ("Absolute weight can only be between 0 and 256
//     inclusive."). A server added without a weight gets 1.
//   - `set server B/S state drain` sets srv_admin_state 0x08 and status "DRAIN": no new requests,
//     established ones carry on. With every server of a backend draining, new requests get 503.
//     `state maint` from drain leaves only the maintenance flag (srv_admin_state 1); `state ready`
//     clears both.
//   - `del server` answers "Server deleted." only for a server in maintenance (otherwise "Only
//     servers in maintenance mode can be deleted.") with no connection left ("Server still has
//     connections attached to it, cannot remove it."): `state maint` does not cut a request in
//     flight, and the server can be deleted as soon as that request is answered. Servers from
//     haproxy.cfg can be deleted too, unless something refers to them ("This server cannot be
//     removed at runtime due to other configuration elements pointing to it.", e.g. a `track`).
//   - `set server B/S addr A port P` answers "IP changed from …, port changed from … by 'stats
//     socket command'", or "no need to change the addr, no need to change the port …".
//   - Unknown names: "No such server.", "No such backend." (add server), "Can't find backend."
//     (show servers state), "No such proxy." (show stat).
//   - `add server` accepts an address that is not an IP ("notanip:1") as a host name, and port
//     0: the data plane validates addresses before calling.
//   - `show servers state B` answers a version line "1", a "# " header and one line per server;
//     an empty backend answers the header alone. `show stat B 4 -1` answers the CSV header and
//     the backend's server rows only; check_status carries a "* " prefix while a check runs.
//     Status texts seen: "UP", "UP 1/3", "DOWN", "MAINT", "DRAIN", "no check".
//   - A stopped backend, checked by TCP: status "DOWN", check_status "L4CON", check_desc "Layer4
//     connection problem", last_chk "Connection refused".
//   - A restarted HAProxy has only what haproxy.cfg describes: servers added at runtime are gone.
//   - `show servers state` without a backend answers the servers of every backend; `show stat -1
//     6 -1` answers the BACKEND row of every backend (listen sections included, frontends not),
//     with its mode and algo ("roundrobin", "static-rr", "leastconn", "source", "uri"; "unknown"
//     for random), and every server's row. Snapshot reads a whole node with these two commands.
//   - `add server` needs a dynamic algorithm: a static-rr backend, or one hashing (balance
//     source, uri, …) without `hash-type consistent`, refuses it ("Backend must use a dynamic load
//     balancing to support dynamic servers."). The algo column does not tell the hash type.
//   - `add server … backup` makes a backup server (show stat: bck 1, act 0). Nothing changes the
//     flag afterwards: `set server` offers addr, agent, agent-addr, agent-port, agent-send,
//     check-addr, check-port, fqdn, health, ssl, state and weight.
//   - A server `disabled` in haproxy.cfg starts with srv_admin_state 5 (0x04 configuration and
//     0x01 forced maintenance). `set server … state ready` clears only 0x01, and the server
//     serves with 0x04 still set: HAProxy's own maintenance mask (SRV_ADMF_MAINT) is 0x23, and
//     AdminFlags.Maint follows it.
//   - Leaving forced maintenance, for ready or for drain, a checked server's check counter
//     (srv_check_health) is set to rise, which counts as up, and the check runs at once;
//     check_status still shows the result from before the maintenance. One failed check then
//     takes the server down, a passing one raises the counter: Server.Confirmed tells the two.
//   - `set server … weight 0` takes the server out of the balancing, but its status stays "UP"
//     (or "no check"), not "DRAIN".
//   - Servers of haproxy.cfg given by host name show it in srv_fqdn (srv_addr holds what it
//     resolved to); a server without a port has srv_port 0 (show stat addr "IP:0"): HAProxy then
//     connects to the port the client connected to.
package haproxy
