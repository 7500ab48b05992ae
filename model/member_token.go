package model

// Purposes of member tokens.
const (
	TokenPasswordReset = "password_reset"
	TokenVerifyEmail   = "verify_email"
)
