// Package haproxyrun runs real parts on this machine: Debian's haproxy as a child process with
// an admin Runtime API socket and one frontend per backend on loopback ports, and small HTTP
// backends on loopback addresses that answer their own name. `console serve --demo-haproxy`
// starts them so that a newcomer can watch traffic move; the tests start them through
// dataplane/haproxytest, which adds what only tests need.
//
// Only loopback addresses (127.0.0.0/8) are ever used. Nothing here imports testing.
package haproxyrun
