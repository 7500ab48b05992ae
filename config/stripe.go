package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Stripe turns on card payments through Stripe Checkout from the member
// portal. Off unless a secret key (or its file) is given. The secrets are
// best given as COIN_STRIPE_SECRET_KEY and COIN_STRIPE_WEBHOOK_SECRET, or
// read from the *_file settings; they are never logged.
type Stripe struct {
	SecretKey         string `toml:"secret_key" env:"SECRET_KEY"`
	SecretKeyFile     string `toml:"secret_key_file" env:"SECRET_KEY_FILE"`
	WebhookSecret     string `toml:"webhook_secret" env:"WEBHOOK_SECRET"`
	WebhookSecretFile string `toml:"webhook_secret_file" env:"WEBHOOK_SECRET_FILE"`
	// APIBase replaces https://api.stripe.com (stripe-mock in tests).
	APIBase string `toml:"api_base" env:"API_BASE"`
	// Currency of the Checkout sessions, ISO 4217 lower or upper case.
	Currency string `toml:"currency" env:"CURRENCY"`
}

// Enabled tells whether card payments are offered.
func (s *Stripe) Enabled() bool { return s.SecretKey != "" || s.SecretKeyFile != "" }

// Key returns the API secret key, from the file when one is named.
func (s *Stripe) Key() (string, error) {
	return secretOf(s.SecretKey, s.SecretKeyFile, "stripe.secret_key_file")
}

// Webhook returns the webhook signing secret, from the file when one is named.
func (s *Stripe) Webhook() (string, error) {
	return secretOf(s.WebhookSecret, s.WebhookSecretFile, "stripe.webhook_secret_file")
}

// CurrencyCode is the currency in Stripe's lower case ("eur" by default).
func (s *Stripe) CurrencyCode() string {
	if s.Currency == "" {
		return "eur"
	}
	return strings.ToLower(s.Currency)
}

func secretOf(value, file, name string) (string, error) {
	if file == "" {
		return value, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

func (s *Stripe) validate() error {
	if !s.Enabled() {
		return nil
	}
	if s.SecretKey != "" && s.SecretKeyFile != "" {
		return errors.New("stripe: give secret_key or secret_key_file, not both")
	}
	if s.WebhookSecret != "" && s.WebhookSecretFile != "" {
		return errors.New("stripe: give webhook_secret or webhook_secret_file, not both")
	}
	if s.WebhookSecret == "" && s.WebhookSecretFile == "" {
		return errors.New("stripe.webhook_secret: needed to check Stripe's notifications of payments")
	}
	for _, sec := range []func() (string, error){s.Key, s.Webhook} {
		v, err := sec()
		if err != nil {
			return err
		}
		if v == "" {
			return errors.New("stripe: a secret file is empty")
		}
	}
	if s.APIBase != "" {
		if u, err := url.Parse(s.APIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("stripe.api_base: not an http(s) URL")
		}
	}
	if c := s.CurrencyCode(); len(c) != 3 {
		return fmt.Errorf("stripe.currency: %q is not an ISO 4217 code", s.Currency)
	}
	return nil
}
