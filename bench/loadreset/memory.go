package main

import (
	"bufio"
	"fmt"
	"net/http"
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
