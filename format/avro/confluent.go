package avro

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/spry-engine/spry/connector"
	"github.com/spry-engine/spry/format"
	"github.com/spry-engine/spry/types"
)

// ConfluentName is the identifier of the Confluent wire-format variant.
const ConfluentName = "avro-confluent"

// Option keys of avro-confluent, without prefix.
const (
	OptURL                   = "url"
	OptSubject               = "subject"
	OptSchema                = "schema"
	OptBasicAuthSource       = "basic-auth.credentials-source"
	OptBasicAuthUserInfo     = "basic-auth.user-info"
	OptBearerAuthSource      = "bearer-auth.credentials-source"
	OptBearerAuthToken       = "bearer-auth.token"
	OptSSLKeystoreLocation   = "ssl.keystore.location"
	OptSSLKeystorePassword   = "ssl.keystore.password"
	OptSSLTruststoreLocation = "ssl.truststore.location"
	OptSSLTruststorePassword = "ssl.truststore.password"
	OptProperties            = "properties.*"
)

// ConfluentOptions is avro-confluent's option spec, as Flink documents it.
var ConfluentOptions = []connector.Option{
	{Key: OptURL, Type: connector.TypeString, Required: true,
		Description: "The URL of the Confluent Schema Registry to fetch/register schemas."},
	{Key: OptSubject, Type: connector.TypeString,
		Description: "The Confluent Schema Registry subject under which to register the schema used by this format during serialization. " +
			"By default, 'kafka' and 'upsert-kafka' connectors use '<topic_name>-value' or '<topic_name>-key' as the default subject name if this format is used as the value or key format; " +
			"other connectors need it when used as sink."},
	{Key: OptSchema, Type: connector.TypeString,
		Description: "The schema registered or to be registered in the Confluent Schema Registry. If no schema is provided the table schema is converted to an Avro schema. The schema provided must match the table schema."},
	{Key: OptBasicAuthSource, Type: connector.TypeString, Description: "Basic auth credentials source for Schema Registry."},
	{Key: OptBasicAuthUserInfo, Type: connector.TypeString, Description: "Basic auth user info for schema registry ('user:password')."},
	{Key: OptBearerAuthSource, Type: connector.TypeString, Description: "Bearer auth credentials source for Schema Registry."},
	{Key: OptBearerAuthToken, Type: connector.TypeString, Description: "Bearer auth token for Schema Registry."},
	{Key: OptSSLKeystoreLocation, Type: connector.TypeString, Description: "Location / File of SSL keystore (accepted; not used yet)."},
	{Key: OptSSLKeystorePassword, Type: connector.TypeString, Description: "Password for SSL keystore (accepted; not used yet)."},
	{Key: OptSSLTruststoreLocation, Type: connector.TypeString, Description: "Location / File of SSL truststore (accepted; not used yet)."},
	{Key: OptSSLTruststorePassword, Type: connector.TypeString, Description: "Password for SSL truststore (accepted; not used yet)."},
	{Key: OptProperties, Type: connector.TypeString, Pattern: true,
		Description: "Properties forwarded to the schema registry client (accepted; not used yet)."},
}

// magic is the first byte of the Confluent wire format.
const magic = 0

func newRegistryFrom(opts map[string]string) (*registry, error) {
	u := opts[OptURL]
	if u == "" {
		return nil, &SchemaError{"option 'url' is required for the avro-confluent format"}
	}
	return newRegistry(u, opts[OptBasicAuthUserInfo], opts[OptBearerAuthToken]), nil
}

// ConfluentDecoder reads Confluent wire-format records: it fetches each
// writer schema id once and keeps a reader per id.
type ConfluentDecoder struct {
	reg      *registry
	schema   *types.Schema
	builders []array.Builder
	readers  map[int32]*recordReader
	cur      *recordReader
	rec      []byte
}

var _ format.RecordDecoder = (*ConfluentDecoder)(nil)

// NewConfluentDecoder builds an avro-confluent decoder.
func NewConfluentDecoder(schema *types.Schema, opts map[string]string, builders []array.Builder) (format.RecordDecoder, error) {
	reg, err := newRegistryFrom(opts)
	if err != nil {
		return nil, err
	}
	if _, err := Derive(schema); err != nil {
		return nil, err
	}
	return &ConfluentDecoder{reg: reg, schema: schema, builders: builders, readers: map[int32]*recordReader{}}, nil
}

var errNoMagic = errors.New("unknown magic byte: the record is not in the Confluent wire format")

// Parse checks one record; a nil record (a null message) yields no row.
func (d *ConfluentDecoder) Parse(record []byte) (int, error) {
	if record == nil {
		return 0, nil
	}
	fail := func(err error) (int, error) {
		return 0, &format.DecodeError{Format: "Avro", Record: append([]byte(nil), record...), Err: err}
	}
	if len(record) < 5 || record[0] != magic {
		return fail(errNoMagic)
	}
	id := int32(binary.BigEndian.Uint32(record[1:5]))
	rd, err := d.readerFor(id)
	if err != nil {
		return fail(err)
	}
	if err := check(rd, record[5:]); err != nil {
		return fail(err)
	}
	d.cur, d.rec = rd, record[5:]
	return 1, nil
}

func (d *ConfluentDecoder) readerFor(id int32) (*recordReader, error) {
	if rd, ok := d.readers[id]; ok {
		return rd, nil
	}
	text, err := d.reg.schemaByID(id)
	if err != nil {
		return nil, err
	}
	w, err := ParseSchema(text)
	if err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	rd, err := topReader(w, d.schema, d.builders)
	if err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	d.readers[id] = rd
	return rd, nil
}

// Append appends the row of the last parsed record.
func (d *ConfluentDecoder) Append(int) types.RowKind {
	r := reader{buf: d.rec}
	d.cur.read(&r, true)
	return types.Insert
}

// AppendNull appends a row of NULLs.
func (d *ConfluentDecoder) AppendNull() {
	for _, b := range d.builders {
		b.AppendNull()
	}
}

// Skipped is always 0.
func (d *ConfluentDecoder) Skipped() int64 { return 0 }

// NewConfluentEncoder builds an avro-confluent encoder: it registers the
// writer schema (option 'schema', or the one derived from the table) under
// option 'subject' now, so a bad registry fails the job at start, and
// writes the returned id before each record.
func NewConfluentEncoder(schema *types.Schema, opts map[string]string) (format.Encoder, error) {
	reg, err := newRegistryFrom(opts)
	if err != nil {
		return nil, err
	}
	subject := opts[OptSubject]
	if subject == "" {
		return nil, &SchemaError{"option 'subject' is required for serialization with avro-confluent " +
			"(the kafka connector sets '<topic>-value' / '<topic>-key' by default)"}
	}
	w, err := Derive(schema)
	if err != nil {
		return nil, err
	}
	text := w.String()
	if s := opts[OptSchema]; s != "" {
		if _, err := ParseSchema(s); err != nil {
			return nil, err
		}
		text = s
	}
	id, err := reg.register(subject, text)
	if err != nil {
		return nil, err
	}
	prefix := binary.BigEndian.AppendUint32([]byte{magic}, uint32(id))
	return &Encoder{schema: schema, prefix: prefix}, nil
}
