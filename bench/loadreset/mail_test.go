package main

import (
	"testing"
	"time"
)

func TestMailboxFindsTheCode(t *testing.T) {
	mb := &mailbox{waiting: map[string]chan string{}}
	msg := "Message-Id: <20261129.123456789@x>\r\nSubject: Your code\r\n\r\n--b1c2d3e4\r\nYour code is 12345678.\r\nIt expires in 10 minutes.\r\n"
	mb.deliver([]string{"Alice@Example.test"}, []byte(msg))
	c, err := mb.code("alice@example.test", time.Second)
	if err != nil || c != "12345678" {
		t.Fatalf("code %q, %v", c, err)
	}
}
