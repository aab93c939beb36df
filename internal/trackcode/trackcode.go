// Package trackcode makes and reads the tracking codes that identify a
// feedback submission to the person who sent it.
//
// A code is 11 symbols of Crockford's base32 alphabet
// (0123456789ABCDEFGHJKMNPQRSTVWXYZ: no I, L, O or U, so nothing is
// confused when read aloud or copied by hand): 10 random data symbols
// (50 bits from crypto/rand) and one check symbol.
//
//	canonical (stored, compared, in URLs):  K7QM4XZ29P6
//	display (shown to people, printed):     K7QM-4XZ2-9P6
//
// [Parse] reads what people type: any case, hyphens and spaces anywhere,
// and Crockford's aliases O→0 and I, L→1.
//
// # Check symbol
//
// Crockford's own check symbol is the value mod 37, which needs five extra
// symbols (* ~ $ = U) that are awkward to read aloud, to type on a phone
// and to put in a URL. Instead the check symbol is a weighted sum over the
// field GF(32) (polynomial x⁵+x²+1, primitive element α): data symbol i
// has weight α^(i+1), the check symbol weight 1, and the weighted sum of a
// valid code is zero. Because the weights are distinct and non-zero, the
// check catches every single wrong symbol and every swap of two different
// symbols, adjacent or not; other typos get through with probability 1/32.
// The check symbol is from the same alphabet as the data.
//
// Uniqueness is not guaranteed here: the store enforces it with a unique
// index and draws a new code on conflict (2⁵⁰ ≈ 10¹⁵ codes make conflicts
// rare).
package trackcode

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

const (
	// Len is the number of symbols in a code, check symbol included.
	Len = dataLen + 1
	// dataLen symbols of 5 bits each carry the 50 random bits.
	dataLen = 10

	alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

	// maxInput bounds what Parse looks at; a code with generous
	// separators is well under it.
	maxInput = 64
)

// Code is a tracking code. The zero Code is not a valid code; use New,
// NewFrom or Parse. Codes are comparable with ==.
type Code struct {
	s string // canonical form, Len symbols
}

// New returns a new random code drawn from crypto/rand.
func New() (Code, error) {
	return NewFrom(rand.Reader)
}

// NewFrom returns a new code drawn from r, which must supply uniformly
// random bytes (tests pass a fixed reader). It reads 8 bytes and uses 50
// bits of them.
func NewFrom(r io.Reader) (Code, error) {
	var b [8]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return Code{}, fmt.Errorf("trackcode: reading random bytes: %w", err)
	}
	v := binary.BigEndian.Uint64(b[:])
	var vals [Len]byte
	for i := dataLen - 1; i >= 0; i-- {
		vals[i] = byte(v & 31)
		v >>= 5
	}
	vals[dataLen] = checkValue(vals[:dataLen])
	return fromValues(vals), nil
}

// String returns the canonical form: Len upper-case symbols without
// separators. Use it for storage, comparison and URLs. The zero Code gives
// "".
func (c Code) String() string { return c.s }

// Display returns the code grouped for people, XXXX-XXXX-XXX. The zero
// Code gives "".
func (c Code) Display() string {
	if c.s == "" {
		return ""
	}
	return c.s[0:4] + "-" + c.s[4:8] + "-" + c.s[8:]
}

// IsZero reports whether c is the zero Code.
func (c Code) IsZero() bool { return c.s == "" }

// MarshalText implements encoding.TextMarshaler with the canonical form.
func (c Code) MarshalText() ([]byte, error) {
	if c.s == "" {
		return nil, errors.New("trackcode: marshalling the zero Code")
	}
	return []byte(c.s), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with Parse.
func (c *Code) UnmarshalText(text []byte) error {
	parsed, err := Parse(string(text))
	if err != nil {
		return err
	}
	*c = parsed
	return nil
}

// Errors wrapped by *ParseError; test with errors.Is.
var (
	ErrLength    = errors.New("wrong number of symbols")
	ErrCharacter = errors.New("character not allowed")
	ErrChecksum  = errors.New("check symbol does not match (typo?)")
)

// ParseError reports why a string is not a tracking code.
type ParseError struct {
	// Err is ErrLength, ErrCharacter or ErrChecksum.
	Err error
	// Offset is the byte offset of the offending character for
	// ErrCharacter, -1 otherwise.
	Offset int
	// Char is the offending character for ErrCharacter.
	Char rune
}

func (e *ParseError) Error() string {
	if e.Err == ErrCharacter {
		return fmt.Sprintf("trackcode: %v: %q at offset %d", e.Err, e.Char, e.Offset)
	}
	return "trackcode: " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads a code as people type it: upper or lower case, with hyphens,
// dashes or spaces anywhere, and with O for 0 and I or L for 1. It returns
// a *ParseError wrapping ErrLength, ErrCharacter or ErrChecksum.
func Parse(s string) (Code, error) {
	if len(s) > maxInput {
		return Code{}, &ParseError{Err: ErrLength, Offset: -1}
	}
	var vals [Len]byte
	n := 0
	for i, r := range s {
		if isSeparator(r) {
			continue
		}
		v, ok := symbolValue(r)
		if !ok {
			return Code{}, &ParseError{Err: ErrCharacter, Offset: i, Char: r}
		}
		if n == Len {
			return Code{}, &ParseError{Err: ErrLength, Offset: -1}
		}
		vals[n] = v
		n++
	}
	if n != Len {
		return Code{}, &ParseError{Err: ErrLength, Offset: -1}
	}
	if checkValue(vals[:dataLen]) != vals[dataLen] {
		return Code{}, &ParseError{Err: ErrChecksum, Offset: -1}
	}
	return fromValues(vals), nil
}

func fromValues(vals [Len]byte) Code {
	var b [Len]byte
	for i, v := range vals {
		b[i] = alphabet[v]
	}
	return Code{s: string(b[:])}
}

// symbolValue decodes one symbol, folding case and Crockford's aliases.
func symbolValue(r rune) (byte, bool) {
	if 'a' <= r && r <= 'z' {
		r -= 'a' - 'A'
	}
	switch r {
	case 'O':
		return 0, true
	case 'I', 'L':
		return 1, true
	}
	for i := 0; i < len(alphabet); i++ {
		if rune(alphabet[i]) == r {
			return byte(i), true
		}
	}
	return 0, false
}

func isSeparator(r rune) bool {
	switch r {
	case '-', ' ', '\t', '\u00a0', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// checkValue returns the check symbol's value for the data values: the sum
// over GF(32) of α^(i+1)·data[i].
func checkValue(data []byte) byte {
	var sum, weight byte = 0, 1
	for _, d := range data {
		weight = gfMul(weight, 2) // α^(i+1)
		sum ^= gfMul(weight, d)
	}
	return sum
}

// gfMul multiplies in GF(2⁵) modulo x⁵+x²+1.
func gfMul(a, b byte) byte {
	var p byte
	for b != 0 {
		if b&1 != 0 {
			p ^= a
		}
		b >>= 1
		a <<= 1
		if a&0x20 != 0 {
			a ^= 0x25
		}
	}
	return p
}
