// Command kuulu runs Kuulu, the client and resident participation platform
// for Finnish wellbeing services counties. See the README for settings.
package main

import (
	"os"

	"kuulu/internal/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Stdout, os.Stderr))
}
