//go:build !linux

package main

import "os"

// protocolStdout returns stdout itself where descriptors cannot be
// rearranged portably: jobs must then not print to stdout (use the print
// connector's print-identifier on stderr, or --listen).
func protocolStdout() (*os.File, error) { return os.Stdout, nil }
