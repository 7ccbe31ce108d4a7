// Package lb is the domain of lbconsole: load balancers, their server groups and members, the
// rules a change must keep, and the planning of batch operations.
//
// Planning is a pure function of the current members and the requested batch: it returns the
// next members and the diff, or an error that says which rule was broken. Nothing here knows
// about SQL or HTTP; the store loads a Target, asks Plan what to write, and writes it.
package lb
