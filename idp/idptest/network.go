package idptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// ClosedAddr returns a loopback address where nothing listens, for a
// backend's Fixture.Unreachable.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// OtherCA writes a CA certificate that signed nothing the servers use, for
// a backend's Fixture.WrongCA, and returns its path.
func OtherCA(t testing.TB) string {
	t.Helper()
	_, caFile := selfSigned(t, &x509.Certificate{
		Subject:  pkix.Name{CommonName: "not the server's CA"},
		KeyUsage: x509.KeyUsageCertSign,
	})
	return caFile
}

// LoopbackTLS returns a self-signed certificate for 127.0.0.1, for a test
// server to listen with, and the path of a file holding it, for the client
// to trust.
func LoopbackTLS(t testing.TB) (tls.Certificate, string) {
	t.Helper()
	return selfSigned(t, &x509.Certificate{
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
}

// selfSigned signs tmpl, made a CA valid for the hour around now, with a new
// key, and writes the certificate to a PEM file.
func selfSigned(t testing.TB, tmpl *x509.Certificate) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = big.NewInt(1)
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, p
}
