// Package snmppoll watches the network devices of the inventory over SNMP
// (v2c or v3): the poll job reads each device's uptime and its interfaces'
// status and traffic counters, keeps the samples a while, and marks a
// device that does not answer down.
package snmppoll

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"

	"coin/store"
)

// OIDs of SNMPv2-MIB and IF-MIB that a poll reads.
const (
	oidSysUpTime     = ".1.3.6.1.2.1.1.3.0"
	oidIfDescr       = ".1.3.6.1.2.1.2.2.1.2"
	oidIfOperStatus  = ".1.3.6.1.2.1.2.2.1.8"
	oidIfInOctets    = ".1.3.6.1.2.1.2.2.1.10"
	oidIfOutOctets   = ".1.3.6.1.2.1.2.2.1.16"
	oidIfName        = ".1.3.6.1.2.1.31.1.1.1.1"
	oidIfHCInOctets  = ".1.3.6.1.2.1.31.1.1.1.6"
	oidIfHCOutOctets = ".1.3.6.1.2.1.31.1.1.1.10"
)

// Reading is what one poll found on a device.
type Reading struct {
	Uptime     time.Duration
	Interfaces []store.SNMPSample
}

var authProtocols = map[string]gosnmp.SnmpV3AuthProtocol{"MD5": gosnmp.MD5, "SHA": gosnmp.SHA,
	"SHA256": gosnmp.SHA256, "SHA512": gosnmp.SHA512}

var privProtocols = map[string]gosnmp.SnmpV3PrivProtocol{"DES": gosnmp.DES, "AES": gosnmp.AES}

// client is the gosnmp session of a target.
func client(ctx context.Context, t *store.SNMPTarget, timeout time.Duration) *gosnmp.GoSNMP {
	g := &gosnmp.GoSNMP{Target: t.Host, Port: uint16(t.Port), Timeout: timeout, Retries: 1,
		MaxOids: gosnmp.MaxOids, MaxRepetitions: 20, Context: ctx, Transport: "udp"}
	if t.Version == "v3" {
		g.Version = gosnmp.Version3
		g.SecurityModel = gosnmp.UserSecurityModel
		usm := &gosnmp.UsmSecurityParameters{UserName: t.V3User}
		g.MsgFlags = gosnmp.NoAuthNoPriv
		if p, ok := authProtocols[t.AuthProtocol]; ok {
			usm.AuthenticationProtocol, usm.AuthenticationPassphrase = p, t.AuthPassword
			g.MsgFlags = gosnmp.AuthNoPriv
			if q, ok := privProtocols[t.PrivProtocol]; ok {
				usm.PrivacyProtocol, usm.PrivacyPassphrase = q, t.PrivPassword
				g.MsgFlags = gosnmp.AuthPriv
			}
		}
		g.SecurityParameters = usm
	} else {
		g.Version, g.Community = gosnmp.Version2c, t.Community
	}
	return g
}

// Poll reads a device once.
func Poll(ctx context.Context, t *store.SNMPTarget, timeout time.Duration) (*Reading, error) {
	g := client(ctx, t, timeout)
	if err := g.Connect(); err != nil {
		return nil, fmt.Errorf("connect to %s:%d: %w", t.Host, t.Port, err)
	}
	defer g.Conn.Close()
	res, err := g.Get([]string{oidSysUpTime})
	if err != nil {
		return nil, fmt.Errorf("sysUpTime of %s:%d: %w", t.Host, t.Port, err)
	}
	if len(res.Variables) != 1 || res.Variables[0].Type != gosnmp.TimeTicks {
		return nil, fmt.Errorf("sysUpTime of %s:%d: no answer", t.Host, t.Port)
	}
	r := &Reading{Uptime: time.Duration(gosnmp.ToBigInt(res.Variables[0].Value).Int64()) * 10 * time.Millisecond}
	status, err := walk(g, oidIfOperStatus)
	if err != nil {
		return nil, err
	}
	names, err := walk(g, oidIfName)
	if err != nil || len(names) == 0 {
		if names, err = walk(g, oidIfDescr); err != nil {
			return nil, err
		}
	}
	in, errIn := walk(g, oidIfHCInOctets)
	out, errOut := walk(g, oidIfHCOutOctets)
	if errIn != nil || errOut != nil || len(in) == 0 {
		// An SNMPv1-era agent: the 32-bit counters.
		if in, err = walk(g, oidIfInOctets); err != nil {
			return nil, err
		}
		if out, err = walk(g, oidIfOutOctets); err != nil {
			return nil, err
		}
	}
	for idx, st := range status {
		r.Interfaces = append(r.Interfaces, store.SNMPSample{IfIndex: idx, IfName: text(names[idx]),
			OperStatus: int(number(st).Int64()), InOctets: number(in[idx]).Uint64(), OutOctets: number(out[idx]).Uint64()})
	}
	sortSamples(r.Interfaces)
	return r, nil
}

// walk reads a column of a table, by interface index.
func walk(g *gosnmp.GoSNMP, oid string) (map[int]gosnmp.SnmpPDU, error) {
	var pdus []gosnmp.SnmpPDU
	var err error
	if g.Version == gosnmp.Version1 {
		pdus, err = g.WalkAll(oid)
	} else {
		pdus, err = g.BulkWalkAll(oid)
	}
	if err != nil {
		return nil, fmt.Errorf("walk %s on %s:%d: %w", oid, g.Target, g.Port, err)
	}
	out := make(map[int]gosnmp.SnmpPDU, len(pdus))
	for _, p := range pdus {
		if p.Type == gosnmp.NoSuchObject || p.Type == gosnmp.NoSuchInstance || p.Type == gosnmp.EndOfMibView {
			continue
		}
		i := strings.LastIndexByte(p.Name, '.')
		idx, err := strconv.Atoi(p.Name[i+1:])
		if err != nil {
			continue
		}
		out[idx] = p
	}
	return out, nil
}

func number(p gosnmp.SnmpPDU) *big.Int {
	if p.Value == nil {
		return new(big.Int)
	}
	return gosnmp.ToBigInt(p.Value)
}

func text(p gosnmp.SnmpPDU) string {
	if b, ok := p.Value.([]byte); ok {
		return strings.ToValidUTF8(string(b), "?")
	}
	return ""
}

func sortSamples(s []store.SNMPSample) {
	slices.SortFunc(s, func(a, b store.SNMPSample) int { return a.IfIndex - b.IfIndex })
}
