package auth

// Identity is who a single sign-on provider says the person is.
type Identity struct {
	// Subject is "issuer|subject-claim": stable and unique across providers.
	Subject string
	Email   string
	Name    string
}
