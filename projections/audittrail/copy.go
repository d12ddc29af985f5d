package audittrail

import (
	"encoding/binary"
	"strings"
	"time"

	"github.com/aidledger/aidledger/events"
)

// copyBuf builds the body of a COPY … FROM STDIN (FORMAT binary): a header,
// rows of length-prefixed fields in each column type's binary form, and a
// trailer. Encoding by hand, rather than through pgx's per-value type
// dispatch, keeps Apply's client side to about a microsecond per row.
type copyBuf struct{ b []byte }

// pgEpoch is 2000-01-01 UTC, the origin of Postgres dates and timestamps.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

const textOID = 25

func (c *copyBuf) reset() {
	c.b = append(c.b[:0], "PGCOPY\n\xff\r\n\x00"...)
	c.b = binary.BigEndian.AppendUint32(c.b, 0) // flags
	c.b = binary.BigEndian.AppendUint32(c.b, 0) // header extension length
}

func (c *copyBuf) finish()        { c.b = binary.BigEndian.AppendUint16(c.b, 0xffff) }
func (c *copyBuf) row(fields int) { c.b = binary.BigEndian.AppendUint16(c.b, uint16(fields)) }
func (c *copyBuf) null()          { c.b = binary.BigEndian.AppendUint32(c.b, 0xffffffff) }

func (c *copyBuf) int8(v int64) {
	c.b = binary.BigEndian.AppendUint32(c.b, 8)
	c.b = binary.BigEndian.AppendUint64(c.b, uint64(v))
}

func (c *copyBuf) int4(v int32) {
	c.b = binary.BigEndian.AppendUint32(c.b, 4)
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(v))
}

// text writes s; a NUL, which Postgres text cannot hold, becomes U+FFFD.
func (c *copyBuf) text(s string) {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(len(s)))
	c.b = append(c.b, s...)
}

// textOrNull writes s, or NULL when s is empty.
func (c *copyBuf) textOrNull(s string) {
	if s == "" {
		c.null()
		return
	}
	c.text(s)
}

// bytes writes b verbatim (bytea, or json, whose binary form is its text).
func (c *copyBuf) bytes(b []byte) {
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(len(b)))
	c.b = append(c.b, b...)
}

func (c *copyBuf) timestamptz(t time.Time) {
	c.int8(t.UnixMicro() - pgEpoch.UnixMicro())
}

// dateOrNull writes d, or NULL for the zero Date.
func (c *copyBuf) dateOrNull(d events.Date) {
	if d.IsZero() {
		c.null()
		return
	}
	c.int4(int32(d.Time().Sub(pgEpoch) / (24 * time.Hour))) // both are midnight UTC: exact
}

// textArray writes a one-dimensional text[] (an empty array when ss is
// empty).
func (c *copyBuf) textArray(ss []string) {
	at := len(c.b)
	c.b = binary.BigEndian.AppendUint32(c.b, 0) // length, set below
	if len(ss) == 0 {
		c.b = binary.BigEndian.AppendUint32(c.b, 0) // dimensions
		c.b = binary.BigEndian.AppendUint32(c.b, 0) // no nulls
		c.b = binary.BigEndian.AppendUint32(c.b, textOID)
	} else {
		c.b = binary.BigEndian.AppendUint32(c.b, 1)
		c.b = binary.BigEndian.AppendUint32(c.b, 0)
		c.b = binary.BigEndian.AppendUint32(c.b, textOID)
		c.b = binary.BigEndian.AppendUint32(c.b, uint32(len(ss)))
		c.b = binary.BigEndian.AppendUint32(c.b, 1) // lower bound
		for _, s := range ss {
			c.text(s)
		}
	}
	binary.BigEndian.PutUint32(c.b[at:], uint32(len(c.b)-at-4))
}
