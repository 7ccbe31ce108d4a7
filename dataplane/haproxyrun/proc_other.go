//go:build !linux

package haproxyrun

import "syscall"

// childAttr is empty where the kernel cannot end a child with its parent.
func childAttr() *syscall.SysProcAttr { return nil }
