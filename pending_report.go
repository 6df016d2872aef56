package main

import "fmt"

func (e env) report(args []string) int { fmt.Fprintln(e.stderr, "report: pending"); return exitUsage }
func (e env) export(args []string) int { fmt.Fprintln(e.stderr, "export: pending"); return exitUsage }
