package avro

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// registry is a client of the Confluent Schema Registry REST API: the two
// calls the format needs, fetching a schema by id and registering one
// under a subject.
type registry struct {
	base   string // without trailing slash
	user   string // basic auth "user:password", never printed
	token  string // bearer token, never printed
	client *http.Client
}

// RegistryError is a failed schema registry call. It names the URL and
// the reason but never the credentials.
type RegistryError struct {
	URL string
	Msg string
}

func (e *RegistryError) Error() string {
	return fmt.Sprintf("avro-confluent: schema registry %s: %s", e.URL, e.Msg)
}

const registryContentType = "application/vnd.schemaregistry.v1+json"

func newRegistry(base, userInfo, token string) *registry {
	return &registry{base: strings.TrimRight(base, "/"), user: userInfo, token: token,
		client: &http.Client{Timeout: 10 * time.Second}}
}

func (r *registry) call(method, path string, body []byte, out any) error {
	u := r.base + path
	req, err := http.NewRequestWithContext(context.Background(), method, u, bytes.NewReader(body))
	if err != nil {
		return &RegistryError{r.base, err.Error()}
	}
	req.Header.Set("Accept", registryContentType)
	if body != nil {
		req.Header.Set("Content-Type", registryContentType)
	}
	if user, pass, ok := strings.Cut(r.user, ":"); ok {
		req.SetBasicAuth(user, pass)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		// url.Error repeats the URL; keep only the cause.
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return &RegistryError{u, fmt.Sprintf("%s failed: %v", method, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return &RegistryError{u, err.Error()}
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Code    int    `json:"error_code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		return &RegistryError{u, fmt.Sprintf("%s returned %s: %s", method, resp.Status, e.Message)}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &RegistryError{u, fmt.Sprintf("unexpected response: %v", err)}
	}
	return nil
}

// schemaByID fetches the writer schema registered with id.
func (r *registry) schemaByID(id int32) (string, error) {
	var out struct {
		Schema string `json:"schema"`
	}
	if err := r.call(http.MethodGet, fmt.Sprintf("/schemas/ids/%d", id), nil, &out); err != nil {
		return "", err
	}
	return out.Schema, nil
}

// register registers schema under subject (or finds it there) and returns
// its id.
func (r *registry) register(subject, schema string) (int32, error) {
	body, _ := json.Marshal(map[string]string{"schema": schema})
	var out struct {
		ID int32 `json:"id"`
	}
	if err := r.call(http.MethodPost, "/subjects/"+url.PathEscape(subject)+"/versions", body, &out); err != nil {
		return 0, err
	}
	return out.ID, nil
}
