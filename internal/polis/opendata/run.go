package opendata

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"kuulu/internal/polis"
)

// RunAnalyze implements `kuulu conversation analyze [-indent] DIR`: it reads a
// conversation in the open-data export format from DIR, analyses it from scratch
// (participants in the file's row order, moderated-out statements zeroed, k-means
// started from the first distinct points, as Polis's cold start does) and prints the
// result as JSON in the shape of Polis's math output (see polis.Result).
//
// It returns 0 on success, 2 on a usage error or malformed input (then only the error,
// with file and line, is printed to stderr) and 1 when the output cannot be written.
func RunAnalyze(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	indent := fs.Bool("indent", false, "indent the JSON output")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kuulu conversation analyze [-indent] DIR")
		fmt.Fprintln(stderr, "DIR holds comments.csv and participants-votes.csv or votes.csv (Polis open-data export; .csv.gz also read).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	c, err := ReadDir(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	m, err := c.Matrix()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	r := polis.Analyze(m, polis.Options{})
	enc := json.NewEncoder(stdout)
	if *indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(r); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
