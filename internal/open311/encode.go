package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"time"
)

// format is the response format chosen by the URL suffix.
type format string

const (
	formatJSON format = "json"
	formatXML  format = "xml"
)

// The documents of GeoReport v2. Each element type serves both formats: the
// JSON form is the slice (or object) itself, the XML form is wrapped in the
// root element the specification names. Optional values are JSON null and
// an empty XML element when absent.

// Service is one entry of GET services.
type Service struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

type servicesDoc struct {
	XMLName  xml.Name  `xml:"services"`
	Services []Service `xml:"service"`
}

// ServiceDefinition is GET services/{service_code}.
type ServiceDefinition struct {
	XMLName     xml.Name    `json:"-" xml:"service_definition"`
	ServiceCode string      `json:"service_code" xml:"service_code"`
	Attributes  []Attribute `json:"attributes" xml:"attributes>attribute"`
}

// Attribute is one question of a service definition.
type Attribute struct {
	Variable            bool      `json:"variable" xml:"variable"`
	Code                string    `json:"code" xml:"code"`
	Datatype            string    `json:"datatype" xml:"datatype"`
	Required            bool      `json:"required" xml:"required"`
	DatatypeDescription optString `json:"datatype_description" xml:"datatype_description"`
	Order               int       `json:"order" xml:"order"`
	Description         string    `json:"description" xml:"description"`
	Values              []Value   `json:"values" xml:"values>value"`
}

// Value is one choice of a list attribute.
type Value struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

// ServiceRequest is one entry of GET requests and GET requests/{id}.
type ServiceRequest struct {
	ServiceRequestID  string    `json:"service_request_id" xml:"service_request_id"`
	Status            string    `json:"status" xml:"status"`
	StatusNotes       optString `json:"status_notes" xml:"status_notes"`
	ServiceName       string    `json:"service_name" xml:"service_name"`
	ServiceCode       string    `json:"service_code" xml:"service_code"`
	Description       optString `json:"description" xml:"description"`
	AgencyResponsible optString `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     optString `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string    `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string    `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  optString `json:"expected_datetime" xml:"expected_datetime"`
	Address           optString `json:"address" xml:"address"`
	AddressID         optString `json:"address_id" xml:"address_id"`
	Zipcode           optString `json:"zipcode" xml:"zipcode"`
	Lat               optFloat  `json:"lat" xml:"lat"`
	Long              optFloat  `json:"long" xml:"long"`
	MediaURL          optString `json:"media_url" xml:"media_url"`
}

type requestsDoc struct {
	XMLName  xml.Name         `xml:"service_requests"`
	Requests []ServiceRequest `xml:"request"`
}

// Created is the answer to POST requests.
type Created struct {
	ServiceRequestID string    `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    optString `json:"service_notice" xml:"service_notice"`
	AccountID        optString `json:"account_id" xml:"account_id"`
}

type createdDoc struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []Created `xml:"request"`
}

// Error is one entry of an error answer: the HTTP status and a description.
type Error struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

type errorsDoc struct {
	XMLName xml.Name `xml:"errors"`
	Errors  []Error  `xml:"error"`
}

// optString is a string that may be absent: JSON null, an empty XML element.
type optString struct {
	s  string
	ok bool
}

func some(s string) optString { return optString{s: s, ok: true} }

// someNonEmpty is absent for "".
func someNonEmpty(s string) optString { return optString{s: s, ok: s != ""} }

func (o optString) MarshalJSON() ([]byte, error) {
	if !o.ok {
		return []byte("null"), nil
	}
	return marshalJSONString(o.s)
}

func (o optString) MarshalText() ([]byte, error) { return []byte(o.s), nil }

// optFloat is a number that may be absent.
type optFloat struct {
	v  float64
	ok bool
}

func (o optFloat) MarshalJSON() ([]byte, error) {
	if !o.ok {
		return []byte("null"), nil
	}
	return o.MarshalText()
}

func (o optFloat) MarshalText() ([]byte, error) {
	if !o.ok {
		return nil, nil
	}
	return strconv.AppendFloat(nil, o.v, 'f', -1, 64), nil
}

func marshalJSONString(s string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// helsinki is the zone of the dates in answers (ISO 8601 with the offset).
var helsinki = func() *time.Location {
	l, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return time.UTC
	}
	return l
}()

// isoTime formats t as ISO 8601 (RFC 3339) in Finnish time with its offset.
func isoTime(t time.Time) string { return t.In(helsinki).Format(time.RFC3339) }

// encode renders v for the format: jsonValue as JSON, xmlValue as an XML
// document with its declaration. It encodes into a buffer first so that an
// encoding error becomes a clean 500 rather than half an answer.
func encode(f format, jsonValue, xmlValue any) ([]byte, string, error) {
	var b bytes.Buffer
	if f == formatXML {
		b.WriteString(xml.Header)
		enc := xml.NewEncoder(&b)
		enc.Indent("", "  ")
		if err := enc.Encode(xmlValue); err != nil {
			return nil, "", err
		}
		b.WriteByte('\n')
		return b.Bytes(), "application/xml; charset=utf-8", nil
	}
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jsonValue); err != nil {
		return nil, "", err
	}
	return b.Bytes(), "application/json; charset=utf-8", nil
}

// write sends a document with status.
func write(w http.ResponseWriter, status int, body []byte, contentType string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	w.Write(body)
}
