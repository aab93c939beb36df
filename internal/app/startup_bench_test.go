package app

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// buildKuulu compiles the real binary into dir.
func buildKuulu(tb testing.TB, dir string) string {
	tb.Helper()
	bin := filepath.Join(dir, "kuulu")
	cmd := exec.Command("go", "build", "-o", bin, "kuulu/cmd/kuulu")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startKuulu starts the binary and waits until /readyz answers 200.
func startKuulu(tb testing.TB, bin, db string, extraEnv ...string) (*exec.Cmd, string, time.Duration) {
	tb.Helper()
	addr := freeAddr(tb)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "KUULU_ADDR="+addr, "KUULU_DATABASE_URL="+db, "KUULU_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, extraEnv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	client := &http.Client{Timeout: time.Second}
	deadline := start.Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := client.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return cmd, addr, time.Since(start)
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Kill()
	tb.Fatalf("kuulu did not become ready: %s", stderr.String())
	return nil, "", 0
}

func rssKB(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}

// BenchmarkColdStart measures the real binary from exec to a served /readyz
// on an existing SQLite database (migrated, with demo data), and the resident
// memory of the idle server after start.
//
//	go test -run '^$' -bench ColdStart -benchtime 10x ./internal/app/
func BenchmarkColdStart(b *testing.B) {
	dir := b.TempDir()
	bin := buildKuulu(b, dir)
	db := filepath.Join(dir, "kuulu.db")
	cmd, _, _ := startKuulu(b, bin, db) // first run migrates and loads the demo data
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	b.ResetTimer()
	var total time.Duration
	var rss int
	for i := 0; i < b.N; i++ {
		cmd, _, d := startKuulu(b, bin, db)
		total += d
		b.StopTimer()
		time.Sleep(300 * time.Millisecond) // idle
		if kb, err := rssKB(cmd.Process.Pid); err == nil && kb > rss {
			rss = kb
		}
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/ready")
	b.ReportMetric(float64(rss)/1024, "MB-idle-rss-max")
}

// TestGracefulShutdown sends SIGTERM to the real binary while a request is in
// flight: the request completes and the process exits 0.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildKuulu(t, dir)
	cmd, addr, _ := startKuulu(t, bin, filepath.Join(dir, "k.db"), "KUULU_DEMO=on")
	done := make(chan int, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/saavutettavuusseloste")
		if err != nil {
			done <- 0
			return
		}
		res.Body.Close()
		done <- res.StatusCode
	}()
	time.Sleep(5 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if code := <-done; code != http.StatusOK {
		t.Errorf("in-flight request got %d", code)
	}
	// The database is intact and the binary starts again on it.
	cmd, _, _ = startKuulu(t, bin, filepath.Join(dir, "k.db"))
	cmd.Process.Kill()
	cmd.Wait()
}
