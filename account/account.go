// Package account runs the flows of accounts: signing in and out, password
// reset by e-mailed link, public sign-up with address verification, and the
// purge of sign-ups never verified.
package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"coin/auth"
	"coin/config"
	"coin/form"
	"coin/mail"
	"coin/member"
	"coin/model"
	"coin/store"
)

// Errors a person can be told about.
var (
	ErrBadCredentials = errors.New("wrong login or password")
	ErrThrottled      = errors.New("too many failed attempts, try again later")
	ErrNotVerified    = errors.New("e-mail address not verified yet")
	ErrBadToken       = errors.New("link invalid or expired")
)

// How long e-mailed links stay valid.
const ResetValidity = 2 * time.Hour

// Service carries what the flows need.
type Service struct {
	Store *store.Store
	Cfg   *config.Config
	Mail  *mail.Composer
	// Site returns the ISP identity for e-mail templates.
	Site func(ctx context.Context) mail.Site
	Log  *slog.Logger
	// Hashing bounds the argon2id computations of sign-ins and password
	// changes running at once (memory: 19 MiB each).
	Hashing auth.Hashing
}

// Login checks credentials under rate limits and opens a session. It
// returns the member and the session token for the cookie. The attempt is
// recorded before the password is hashed, so neither parallel guesses nor a
// flood of logins get past the limits, and over-long values are refused
// before anything is stored or hashed.
func (s *Service) Login(ctx context.Context, login, password, ip, userAgent string) (*store.Member, string, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" || len(login) > auth.MaxLoginLength || len(password) > auth.MaxPasswordLength {
		return nil, "", ErrBadCredentials
	}
	id, pair, byLogin, byIP, err := s.Store.ReserveLoginAttempt(ctx, login, ip, time.Now().Add(-auth.FailureWindow))
	if err != nil {
		return nil, "", err
	}
	if !auth.LoginAllowed(auth.LoginCounts{Pair: pair, Login: byLogin, IP: byIP}) {
		s.Log.Warn("sign-in throttled", "login", login, "ip", ip)
		return nil, "", ErrThrottled
	}
	m, err := s.Store.MemberByLogin(ctx, login)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, "", err
	}
	hash := ""
	if m != nil {
		hash = m.PasswordHash
	}
	ok, err := s.Hashing.Check(ctx, password, hash)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, "", ErrBadCredentials
	}
	if m.SelfRegistered && m.EmailVerifiedAt == nil {
		return nil, "", ErrNotVerified
	}
	if err := s.Store.LoginSucceeded(ctx, id); err != nil {
		return nil, "", err
	}
	token, err := s.openSession(ctx, s.Store, m.ID, ip, userAgent)
	if err != nil {
		return nil, "", err
	}
	return m, token, nil
}

// openSession creates a session of member id in tx and returns its token.
func (s *Service) openSession(ctx context.Context, tx *store.Store, id int64, ip, userAgent string) (string, error) {
	token := auth.NewToken()
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	sess := &store.Session{TokenHash: auth.HashToken(token), MemberID: id, IP: ip, UserAgent: userAgent,
		ExpiresAt: time.Now().Add(s.Cfg.Server.SessionLifetime)}
	if err := tx.CreateSession(ctx, sess); err != nil {
		return "", err
	}
	return token, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.Store.DeleteSession(ctx, auth.HashToken(token))
}

// KeepAlive extends a session in use (its token's hash) to lifetime from now.
func (s *Service) KeepAlive(ctx context.Context, hash string, lifetime time.Duration) error {
	if err := s.Store.TouchSession(ctx, hash, time.Now().Add(lifetime)); err != nil {
		return fmt.Errorf("keep session alive: %w", err)
	}
	return nil
}

// PurgeTraces forgets what only matters for a while: expired sessions,
// sign-in attempts and limit hits older than their window. It returns how
// many rows went.
func (s *Service) PurgeTraces(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, purge := range []func() (int64, error){
		func() (int64, error) { return s.Store.DeleteExpiredSessions(ctx, now.Add(-auth.SessionMaxAge)) },
		func() (int64, error) { return s.Store.DeleteLoginAttempts(ctx, now.Add(-auth.FailureWindow)) },
		func() (int64, error) { return s.Store.DeleteHits(ctx, now.Add(-auth.ThrottleWindow)) },
	} {
		n, err := purge()
		if err != nil {
			return total, fmt.Errorf("purge traces: %w", err)
		}
		total += n
	}
	return total, nil
}

// RequestPasswordReset e-mails a reset link to the accounts matching a login
// or an address, asked from client address ip. It says nothing of whether
// any matched, so that the form cannot be used to discover accounts. Past
// auth.ResetsPerClient requests from ip it is ErrThrottled; an account sent
// auth.ResetsPerAccount links within the window gets no more.
func (s *Service) RequestPasswordReset(ctx context.Context, loginOrEmail, ip string) error {
	loginOrEmail = strings.TrimSpace(loginOrEmail)
	if loginOrEmail == "" || len(loginOrEmail) > auth.MaxLoginLength {
		return nil
	}
	if err := s.throttle(ctx, "reset-client:"+ip, auth.ResetsPerClient); err != nil {
		return err
	}
	var targets []*store.Member
	if strings.Contains(loginOrEmail, "@") {
		ms, err := s.Store.MembersByEmail(ctx, loginOrEmail)
		if err != nil {
			return err
		}
		targets = ms
	} else if m, err := s.Store.MemberByLogin(ctx, loginOrEmail); err == nil {
		targets = []*store.Member{m}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	for _, m := range targets {
		err := s.throttle(ctx, fmt.Sprintf("reset-account:%d", m.ID), auth.ResetsPerAccount)
		if errors.Is(err, ErrThrottled) {
			s.Log.Warn("password reset not sent: too many for the account", "member", m.ID, "ip", ip)
			continue
		}
		if err != nil {
			return err
		}
		if err := s.SendPasswordReset(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// throttle counts one hit on key and is ErrThrottled past limit hits within
// auth.ThrottleWindow.
func (s *Service) throttle(ctx context.Context, key string, limit int) error {
	n, err := s.Store.Hit(ctx, key, time.Now().Add(-auth.ThrottleWindow))
	if err != nil {
		return err
	}
	if n > limit {
		return ErrThrottled
	}
	return nil
}

// SendPasswordReset queues a reset link for m (also used by staff).
func (s *Service) SendPasswordReset(ctx context.Context, m *store.Member) error {
	token := auth.NewToken()
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateMemberToken(ctx, m.ID, model.TokenPasswordReset, auth.HashToken(token),
			time.Now().Add(ResetValidity)); err != nil {
			return err
		}
		return s.queue(ctx, tx, "password_reset", m, map[string]any{
			"Link":       s.Cfg.AbsoluteURL("/password-reset/" + token),
			"ValidHours": int(ResetValidity.Hours()),
		})
	})
	if err != nil {
		return fmt.Errorf("send password reset to member %d: %w", m.ID, err)
	}
	return nil
}

// ResetPasswordTokenValid tells whether a reset link can still be used.
func (s *Service) ResetPasswordTokenValid(ctx context.Context, token string) bool {
	return s.Store.MemberTokenValid(ctx, model.TokenPasswordReset, auth.HashToken(token))
}

// ResetPassword sets a new password with a reset token and closes every
// open session of the account. Form errors come back as form.Errors.
func (s *Service) ResetPassword(ctx context.Context, token, password, confirm string) (form.Errors, error) {
	errs := checkNewPassword(password, confirm)
	if errs.Any() {
		return errs, nil
	}
	hash, err := s.Hashing.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		id, err := tx.UseMemberToken(ctx, model.TokenPasswordReset, auth.HashToken(token))
		if errors.Is(err, store.ErrNotFound) {
			return ErrBadToken
		}
		if err != nil {
			return err
		}
		if err := tx.SetMemberPassword(ctx, id, hash); err != nil {
			return err
		}
		return tx.DeleteMemberSessions(ctx, id)
	})
	return nil, err
}

// ChangePassword lets a signed-in member replace their password. Every
// session of the account is closed, and the browser that changed it gets a
// new one: the token returned, for its cookie.
func (s *Service) ChangePassword(ctx context.Context, m *store.Member, current, password, confirm, ip, userAgent string) (string, form.Errors, error) {
	errs := checkNewPassword(password, confirm)
	ok, err := s.Hashing.Check(ctx, current, m.PasswordHash)
	if err != nil {
		return "", nil, err
	}
	if !ok {
		errs.Add("current", "err.password_wrong")
	}
	if errs.Any() {
		return "", errs, nil
	}
	hash, err := s.Hashing.Hash(ctx, password)
	if err != nil {
		return "", nil, err
	}
	var token string
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetMemberPassword(ctx, m.ID, hash); err != nil {
			return err
		}
		if err := tx.DeleteMemberSessions(ctx, m.ID); err != nil {
			return err
		}
		token, err = s.openSession(ctx, tx, m.ID, ip, userAgent)
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("change password of member %d: %w", m.ID, err)
	}
	return token, nil, nil
}

func checkNewPassword(password, confirm string) form.Errors {
	errs := form.Errors{}
	if err := auth.CheckPasswordStrength(password); err != nil {
		errs.Add("password", "err.password_short")
	}
	if password != confirm {
		errs.Add("confirm", "err.password_mismatch")
	}
	return errs
}

// SignUp creates a pending, self-registered account, e-mails the address
// verification link and tells the staff listed in
// subscriptions_notification_emails, all in one transaction. Every attempt
// from client address ip counts, the refused ones too, since "login taken"
// tells whether an account exists: past auth.SignUpsPerClient attempts, or
// auth.SignUpsPerAddress sign-ups to one e-mail address, it is ErrThrottled.
func (s *Service) SignUp(ctx context.Context, f member.Form, password, confirm, lang, ip string) (*store.Member, form.Errors, error) {
	if err := s.throttle(ctx, "signup-client:"+ip, auth.SignUpsPerClient); err != nil {
		return nil, nil, err
	}
	m := &store.Member{Language: lang, SendFeeReminders: true}
	f.SendFeeReminders = true
	if f.Language == "" {
		f.Language = lang
	}
	errs := f.Validate(member.SignUp, m)
	for k, v := range checkNewPassword(password, confirm) {
		errs.Add(k, v)
	}
	// The statutes and privacy notice are accepted when the record links them.
	site := s.Site(ctx)
	terms := site.StatutesURL != "" || site.PrivacyURL != ""
	if terms && !f.AcceptTerms {
		errs.Add("accept_terms", "err.accept_terms")
	}
	if errs.Any() {
		return nil, errs, nil
	}
	if err := s.throttle(ctx, "signup-address:"+strings.ToLower(m.Email), auth.SignUpsPerAddress); err != nil {
		return nil, nil, err
	}
	hash, err := s.Hashing.Hash(ctx, password)
	if err != nil {
		return nil, nil, err
	}
	m.PasswordHash = hash
	token := auth.NewToken()
	days := s.Cfg.Members.AccountActivationDays
	err = s.Store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateMember(ctx, m); err != nil {
			return err
		}
		if terms {
			if err := tx.RecordTermsAccepted(ctx, m.ID); err != nil {
				return err
			}
		}
		if err := tx.CreateMemberToken(ctx, m.ID, model.TokenVerifyEmail, auth.HashToken(token),
			time.Now().Add(time.Duration(days)*24*time.Hour)); err != nil {
			return err
		}
		if err := s.queue(ctx, tx, "verify_email", m, map[string]any{
			"Link": s.Cfg.AbsoluteURL("/verify-email/" + token), "ValidDays": days,
		}); err != nil {
			return err
		}
		return s.notifyStaff(ctx, tx, m)
	})
	if errors.Is(err, store.ErrConflict) {
		errs.Add("login", "err.login_taken")
		return nil, errs, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sign up %q: %w", f.Login, err)
	}
	return m, nil, nil
}

func (s *Service) notifyStaff(ctx context.Context, tx *store.Store, m *store.Member) error {
	for _, addr := range s.Cfg.Members.SubscriptionsNotificationEmails {
		msg, err := s.Mail.Compose("signup_notification", s.Cfg.Server.DefaultLanguage, addr, nil, map[string]any{
			"Site": s.Site(ctx), "Member": mail.MemberOf(m), "Link": s.Cfg.AbsoluteURL(fmt.Sprintf("/admin/members/%d", m.ID)),
		})
		if err != nil {
			return err
		}
		if err := tx.QueueMessage(ctx, msg); err != nil {
			return err
		}
	}
	return nil
}

// VerifyEmail confirms a sign-up's address from its link.
func (s *Service) VerifyEmail(ctx context.Context, token string) (*store.Member, error) {
	var m *store.Member
	err := s.Store.Tx(ctx, func(tx *store.Store) error {
		id, err := tx.UseMemberToken(ctx, model.TokenVerifyEmail, auth.HashToken(token))
		if errors.Is(err, store.ErrNotFound) {
			return ErrBadToken
		}
		if err != nil {
			return err
		}
		if err := tx.VerifyMemberEmail(ctx, id); err != nil {
			return err
		}
		m, err = tx.MemberByID(ctx, id)
		if err != nil {
			return err
		}
		return s.queue(ctx, tx, "welcome", m, map[string]any{"Link": s.Cfg.AbsoluteURL("/")})
	})
	return m, err
}

// PurgeUnverified removes sign-ups whose address was not verified within
// account_activation_days of now.
func (s *Service) PurgeUnverified(ctx context.Context, now time.Time) ([]string, error) {
	before := now.Add(-time.Duration(s.Cfg.Members.AccountActivationDays) * 24 * time.Hour)
	return s.Store.DeleteUnverifiedMembers(ctx, before)
}

// UnverifiedToPurge lists the logins PurgeUnverified would delete now.
func (s *Service) UnverifiedToPurge(ctx context.Context, now time.Time) ([]string, error) {
	before := now.Add(-time.Duration(s.Cfg.Members.AccountActivationDays) * 24 * time.Hour)
	return s.Store.UnverifiedMembers(ctx, before)
}

// queue composes a message to m in their language and adds it to the outbox
// inside tx.
func (s *Service) queue(ctx context.Context, tx *store.Store, kind string, m *store.Member, data map[string]any) error {
	data["Site"] = s.Site(ctx)
	data["Member"] = mail.MemberOf(m)
	lang := m.Language
	if lang == "" {
		lang = s.Cfg.Server.DefaultLanguage
	}
	id := m.ID
	msg, err := s.Mail.Compose(kind, lang, m.Email, &id, data)
	if err != nil {
		return err
	}
	return tx.QueueMessage(ctx, msg)
}
