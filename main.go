// Command servicedesk runs the customer-service counter of a shopping mall:
// the Fyne GUI by default, back-office subcommands otherwise. Run
// `servicedesk help` for the list.
package main

import (
	"os"

	"servicedesk/app/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
