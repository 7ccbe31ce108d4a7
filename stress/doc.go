// Package stress holds lbconsole's stress tests. They run the whole server, as it runs in
// production, under many clients of every kind at once: people in the console's forms, scripts
// on the Alibaba Cloud SLB SDK and on gophercloud. One test drives them concurrently against a
// server in the test process; another kills the real binary with SIGKILL under load, again and
// again, and restarts it on the same database.
//
// Neither test asserts what the interleaving was, only what must hold whatever it was: no
// answer is a 5xx; no group holds an (address, port) twice; a group's version moves once per
// applied change; the audit log's diffs, replayed from the starting state, give exactly the
// final members; the audit chain verifies; and every batch a client was told succeeded is in
// the audit log. The package has no code of its own: this file only documents it.
package stress
