package main

import "fmt"

// run dispatches the command line; it returns the process exit code.
func run(args []string) int {
	fmt.Println("servicedesk")
	return 0
}
