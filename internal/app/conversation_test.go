package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kuulu/internal/conversation"
	"kuulu/internal/mapping"
	"kuulu/internal/polis/opendata"
	"kuulu/internal/privacy"
	"kuulu/internal/store"
)

var importedRe = regexp.MustCompile(`^imported conversation (\d+) \(slug ([a-z0-9-]+)\)`)

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestConversationImportExport imports Polis open-data exports, exports
// them again and checks that the export is the same conversation: the same
// participants in the same order with the same votes, the same statements
// and moderation, and an analysis (kuulu conversation analyze) identical to
// the original's.
func TestConversationImportExport(t *testing.T) {
	for name, u := range store.TestDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dirs := []string{"15-per-hour-seattle", "scoop-hivemind.biodiversity", "vtaiwan.uberx"}
			if name == "postgres" {
				dirs = dirs[:1]
			}
			for _, d := range dirs {
				src := filepath.Join("..", "polis", "testdata", "opendata", d)
				code, out, errs := runMain(t, "conversation", "import", src, "-db", u)
				m := importedRe.FindStringSubmatch(out)
				if code != 0 || m == nil {
					t.Fatalf("import %s: %d %q %q", d, code, out, errs)
				}
				dst := t.TempDir()
				if code, out, errs := runMain(t, "conversation", "export", m[1], dst, "-db", u); code != 0 || !strings.Contains(out, "exported conversation "+m[1]) {
					t.Fatalf("export %s: %d %q %q", d, code, out, errs)
				}
				compareExports(t, d, src, dst)
				// By slug too.
				if code, _, errs := runMain(t, "conversation", "export", m[2], t.TempDir(), "-db", u); code != 0 {
					t.Errorf("export by slug: %d %s", code, errs)
				}
			}
			// A second import of the same export gets a slug of its own.
			src := filepath.Join("..", "polis", "testdata", "opendata", "15-per-hour-seattle")
			_, out, _ := runMain(t, "conversation", "import", src, "-db", u)
			if m := importedRe.FindStringSubmatch(out); m == nil || m[2] != "15-hour-2" {
				t.Errorf("second import: %q", out)
			}
			if code, _, errs := runMain(t, "conversation", "export", "999999", t.TempDir(), "-db", u); code != 2 || !strings.Contains(errs, "not found") {
				t.Errorf("unknown conversation: %d %q", code, errs)
			}
		})
	}
}

func compareExports(t *testing.T, name, src, dst string) {
	t.Helper()
	a, err := opendata.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	b, err := opendata.ReadDir(dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Participants) != len(b.Participants) {
		t.Fatalf("%s: %d participants exported, %d imported", name, len(b.Participants), len(a.Participants))
	}
	for i, p := range a.Participants {
		q := b.Participants[i]
		if p.ID != q.ID || len(p.Votes) != len(q.Votes) {
			t.Fatalf("%s: participant %d: %d with %d votes, want %d with %d", name, i, q.ID, len(q.Votes), p.ID, len(p.Votes))
		}
		votes := map[int64]int8{}
		for _, v := range p.Votes {
			votes[v.Statement] = v.Vote
		}
		for _, v := range q.Votes {
			if w, ok := votes[v.Statement]; !ok || w != v.Vote {
				t.Fatalf("%s: participant %d statement %d: vote %d, want %d (%v)", name, p.ID, v.Statement, v.Vote, w, ok)
			}
		}
	}
	if len(a.Comments) != len(b.Comments) {
		t.Fatalf("%s: %d statements exported, %d imported", name, len(b.Comments), len(a.Comments))
	}
	byID := map[int64]opendata.Comment{}
	for _, c := range a.Comments {
		byID[c.ID] = c
	}
	// comments.csv's counts in Polis's exports include superseded votes;
	// the export counts the current ones.
	agrees, disagrees := map[int64]int{}, map[int64]int{}
	for _, p := range a.Participants {
		for _, v := range p.Votes {
			switch v.Vote {
			case 1:
				agrees[v.Statement]++
			case -1:
				disagrees[v.Statement]++
			}
		}
	}
	for _, c := range b.Comments {
		o, ok := byID[c.ID]
		if !ok || (o.Moderated < 0) != (c.Moderated < 0) || privacy.Mask(o.Body).Text != c.Body || agrees[c.ID] != c.Agrees || disagrees[c.ID] != c.Disagrees {
			t.Errorf("%s: statement %d: %+v, want %+v", name, c.ID, c, o)
		}
	}
	var origJSON, expJSON, e1, e2 bytes.Buffer
	if opendata.RunAnalyze([]string{src}, &origJSON, &e1) != 0 || opendata.RunAnalyze([]string{dst}, &expJSON, &e2) != 0 {
		t.Fatalf("%s: analyze: %s %s", name, e1.String(), e2.String())
	}
	if origJSON.String() != expJSON.String() {
		t.Errorf("%s: the analysis of the export differs from the original's", name)
	}
	if b.SummaryValue("topic") != a.SummaryValue("topic") || b.SummaryValue("voters-in-conv") == "" {
		t.Errorf("%s: summary %+v", name, b.Summary)
	}
}

// The imported conversation is closed, its statements keep their moderation
// and the analysis is stored with it.
func TestConversationImportState(t *testing.T) {
	u := store.TestDatabases(t)["sqlite"]
	src := filepath.Join("..", "polis", "testdata", "opendata", "15-per-hour-seattle")
	code, out, errs := runMain(t, "conversation", "import", src, "minimi-palkka", "-db", u)
	if code != 0 || !strings.Contains(out, "(slug minimi-palkka)") || !strings.Contains(out, "54 statements, 339 participants") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	db := store.OpenTest(t, u)
	ctx := context.Background()
	var c conversation.Conversation
	var stmts []conversation.Statement
	db.Read(ctx, func(tx *store.Tx) error {
		c, _ = tx.ConversationBySlug(ctx, "minimi-palkka")
		stmts, _ = tx.Statements(ctx, c.ID, store.StatementFilter{})
		return nil
	})
	if !c.Closed || c.Topic.FI != "$15/hour" || !strings.Contains(c.Description.FI, "minimum wage") || len(stmts) != 54 {
		t.Errorf("conversation %+v with %d statements", c, len(stmts))
	}
	orig, _ := opendata.ReadDir(src)
	rejected := 0
	for _, cm := range orig.Comments {
		if cm.Moderated < 0 {
			rejected++
		}
	}
	got := 0
	for _, s := range stmts {
		if s.Status == conversation.StatementRejected {
			got++
		}
	}
	if got != rejected {
		t.Errorf("%d rejected statements, want %d", got, rejected)
	}
	res, _, err := mapping.NewReader(db).Latest(ctx, c.ID)
	if err != nil || res.N != 339 || len(res.GroupClusters) == 0 {
		t.Errorf("stored analysis: %v", err)
	}
	// The background analysis has nothing to do for it.
	if n, err := mapping.New(db, nil).RunOnce(ctx); n != 0 || err != nil {
		t.Errorf("service analysed an imported conversation again: %d %v", n, err)
	}
	if code, _, errs := runMain(t, "conversation", "import", src, "minimi-palkka", "-db", u); code != 2 || !strings.Contains(errs, "SLUG") {
		t.Errorf("taken slug: %d %q", code, errs)
	}
}

func TestConversationAnalyzeErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "comments.csv"), []byte("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,abc,0,0,0,0,hi\n"), 0o644)
	code, out, errs := runMain(t, "conversation", "analyze", dir)
	if code != 2 || out != "" || !strings.Contains(errs, "comments.csv:2") {
		t.Errorf("malformed: %d %q %q", code, out, errs)
	}
	code, out, _ = runMain(t, "conversation", "analyze", filepath.Join("..", "polis", "testdata", "opendata", "15-per-hour-seattle"))
	if code != 0 || !strings.HasPrefix(out, `{"n":339,`) {
		t.Errorf("analyze: %d %.40q", code, out)
	}
	if code, _, errs := runMain(t, "conversation", "import", dir, "-db", filepath.Join(t.TempDir(), "k.db")); code != 2 || !strings.Contains(errs, "comments.csv:2") {
		t.Errorf("import of malformed input: %d %q", code, errs)
	}
	if code, _, _ := runMain(t, "conversation"); code != 2 {
		t.Errorf("no subcommand: %d", code)
	}
	if code, _, _ := runMain(t, "conversation", "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: %d", code)
	}
}
