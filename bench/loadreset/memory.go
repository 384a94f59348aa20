package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// idleMemory is a replica's memory after it started, before any load: its
// resident set and the Go heap its metrics report.
type idleMemory struct {
	rss       int64 // bytes, VmRSS
	anon      int64 // bytes, RssAnon
	heapInuse int64 // bytes, go_memstats_heap_inuse_bytes; 0 when unknown
	heapAlloc int64 // bytes, go_memstats_heap_alloc_bytes; 0 when unknown
}

// measureIdle waits a second for the replica to settle after start, then
// reads its RSS and its heap from the metrics endpoint.
func measureIdle(pid int, metricsAddr string) idleMemory {
	time.Sleep(time.Second)
	var m idleMemory
	m.rss, m.anon = residentSet(pid)
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		return m
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch name {
		case "go_memstats_heap_inuse_bytes":
			m.heapInuse = int64(v)
		case "go_memstats_heap_alloc_bytes":
			m.heapAlloc = int64(v)
		}
	}
	return m
}

func (m idleMemory) String() string {
	return fmt.Sprintf("RSS %.1f MB (anonymous %.1f MB), heap in use %.1f MB (allocated %.1f MB)", float64(m.rss)/1e6, float64(m.anon)/1e6, float64(m.heapInuse)/1e6, float64(m.heapAlloc)/1e6)
}

// cpuMeter measures the CPU time processes spend from the start of the load
// to its deadline (user and system, from /proc/PID/stat): each replica, and
// the directory when its PID is known.
type cpuMeter struct {
	pids  []int
	start []time.Duration
	used  []time.Duration
}

func startCPU(pids []int) *cpuMeter {
	m := &cpuMeter{pids: pids}
	for _, pid := range pids {
		m.start = append(m.start, cpuTime(pid))
	}
	return m
}

// stop records the time used since startCPU.
func (m *cpuMeter) stop() {
	for i, pid := range m.pids {
		m.used = append(m.used, cpuTime(pid)-m.start[i])
	}
}

// slapdPID returns the PID of testenv's slapd, from the pidfile that
// testenv/env.sh names; ok is false without one.
func slapdPID() (pid int, ok bool) {
	b, err := os.ReadFile(os.Getenv("SLAPD_PIDFILE"))
	if err != nil {
		return 0, false
	}
	pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
	return pid, err == nil && pid > 0
}

// cpuTime returns a process's user and system CPU time so far; 0 when it
// cannot be read.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces and parentheses:
	// count the fields after the last one.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is the kernel's USER_HZ, 100 on Linux.
const clockTicks = 100
