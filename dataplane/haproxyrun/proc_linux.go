package haproxyrun

import "syscall"

// childAttr makes the kernel end haproxy when the process that started it dies, even by
// SIGKILL: a demo or a test killed midway leaves no haproxy behind.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
