package opendata

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunAnalyze(t *testing.T) {
	var out, errb bytes.Buffer
	code := RunAnalyze([]string{openDataDir("15-per-hour-seattle")}, &out, &errb)
	if code != 0 || errb.Len() != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	// The math-pca2 shape: the keys Polis's /api/v3/math/pca2 has.
	var got map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"n", "n-cmts", "tids", "in-conv", "mod-out", "meta-tids", "user-vote-counts", "pca", "base-clusters", "group-clusters", "repness", "consensus", "group-aware-consensus", "group-votes"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
	var pca map[string]json.RawMessage
	if err := json.Unmarshal(got["pca"], &pca); err != nil || len(pca) != 4 {
		t.Errorf("pca: %v %v", err, pca)
	}
	var n int
	if err := json.Unmarshal(got["n"], &n); err != nil || n != 339 {
		t.Errorf("n = %d (%v), want 339 voters", n, err)
	}
	var groups []map[string]any
	if err := json.Unmarshal(got["group-clusters"], &groups); err != nil || len(groups) != 2 {
		t.Errorf("group-clusters: %v %d", err, len(groups))
	}

	out.Reset()
	if code := RunAnalyze([]string{"-indent", openDataDir("15-per-hour-seattle")}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "{\n  \"n\": 339,") {
		t.Errorf("-indent: exit %d, output starts %q", code, out.String()[:min(20, out.Len())])
	}
}

func TestRunAnalyzeMalformed(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("comments.csv", goodComments)
	write("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,d,1,7,1\n2,d,2,7,5\n")
	var out, errb bytes.Buffer
	code := RunAnalyze([]string{dir}, &out, &errb)
	want := filepath.Join(dir, "votes.csv") + `:3: column vote: "5" is not -1, 0 or 1` + "\n"
	if code != 2 || out.Len() != 0 || errb.String() != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, %q", code, out.String(), errb.String(), want)
	}
	for _, args := range [][]string{{}, {"a", "b"}, {"-nope", dir}} {
		out.Reset()
		errb.Reset()
		if code := RunAnalyze(args, &out, &errb); code != 2 || out.Len() != 0 || errb.Len() == 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out.String(), errb.String())
		}
	}
	errb.Reset()
	if code := RunAnalyze([]string{filepath.Join(dir, "missing")}, &out, &errb); code != 2 || errb.Len() == 0 {
		t.Errorf("missing dir: exit %d, stderr %q", code, errb.String())
	}
}
