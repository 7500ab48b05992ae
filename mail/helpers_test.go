package mail_test

import (
	"crypto/tls"
	"encoding/base64"
	"io"
	"mime/multipart"
	"mime/quotedprintable"

	"coin/mail/mailtest"
)

func srvTLS(srv *mailtest.Server) *tls.Config {
	return &tls.Config{RootCAs: srv.RootCAs, ServerName: srv.Host, MinVersion: tls.VersionTLS12}
}

// decode undoes a part's transfer encoding.
func decode(p *multipart.Part) io.Reader {
	switch p.Header.Get("Content-Transfer-Encoding") {
	case "quoted-printable":
		return quotedprintable.NewReader(p)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, p)
	}
	return p
}
