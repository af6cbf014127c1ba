package main

import (
	"fmt"
	"os"
	"syscall"
)

// protocolStdout moves the gateway protocol off file descriptor 1: it
// returns a private duplicate of stdout for the protocol and points fd 1
// at stderr, so that anything else writing to stdout (the print
// connector, a stray log) cannot corrupt the frames.
func protocolStdout() (*os.File, error) {
	fd, err := syscall.Dup(1)
	if err != nil {
		return nil, fmt.Errorf("gateway: cannot duplicate stdout: %w", err)
	}
	if err := syscall.Dup3(2, 1, 0); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("gateway: cannot redirect stdout to stderr: %w", err)
	}
	return os.NewFile(uintptr(fd), "gateway-protocol"), nil
}
