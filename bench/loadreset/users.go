package main

import (
	"crypto/rand"
	"fmt"
	"strings"
	"sync"

	"github.com/go-ldap/ldap/v3"
)

// user is an account of the load test's own, made in slapd for the run and
// deleted after it: the fixture users other tests rely on are never touched.
type user struct {
	login, mail string
	n           int // resets done, for a new password each time
}

type directory struct {
	url, rootDN, rootPassword, base string
}

func (d directory) dn(login string) string { return "uid=" + login + ",ou=people," + d.base }

// forEach runs fn over logins on 8 root connections.
func (d directory) forEach(logins []string, fn func(*ldap.Conn, string) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	work := make(chan string)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := ldap.DialURL(d.url)
			if err != nil {
				errs <- err
				for range work {
				}
				return
			}
			defer c.Close()
			if err := c.Bind(d.rootDN, d.rootPassword); err != nil {
				errs <- err
				for range work {
				}
				return
			}
			for l := range work {
				if err := fn(c, l); err != nil {
					select {
					case errs <- fmt.Errorf("%s: %w", l, err):
					default:
					}
				}
			}
		}()
	}
	for _, l := range logins {
		work <- l
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func (d directory) create(n int) ([]*user, error) {
	run := strings.ToLower(rand.Text()[:6])
	users := make([]*user, n)
	logins := make([]string, n)
	for i := range users {
		l := fmt.Sprintf("lr-%s-%d", run, i)
		users[i] = &user{login: l, mail: l + "@loadreset.test"}
		logins[i] = l
	}
	err := d.forEach(logins, func(c *ldap.Conn, l string) error {
		add := ldap.NewAddRequest(d.dn(l), nil)
		add.Attribute("objectClass", []string{"inetOrgPerson"})
		add.Attribute("uid", []string{l})
		add.Attribute("cn", []string{"Wy0 Qx9"})
		add.Attribute("sn", []string{"Qx9"})
		add.Attribute("givenName", []string{"Wy0"})
		add.Attribute("mail", []string{l + "@loadreset.test"})
		add.Attribute("userPassword", []string{"Start-" + rand.Text()[:10] + "-7x"})
		return c.Add(add)
	})
	return users, err
}

func (d directory) remove(users []*user) error {
	logins := make([]string, len(users))
	for i, u := range users {
		logins[i] = u.login
	}
	return d.forEach(logins, func(c *ldap.Conn, l string) error {
		err := c.Del(ldap.NewDelRequest(d.dn(l), nil))
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return nil
		}
		return err
	})
}
