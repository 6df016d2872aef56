package main

import "fmt"

func (e env) devices(args []string) int   { fmt.Fprintln(e.stderr, "devices: pending"); return exitUsage }
func (e env) printTest(args []string) int { fmt.Fprintln(e.stderr, "print-test: pending"); return exitUsage }
