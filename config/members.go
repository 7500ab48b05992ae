package config

// Members holds membership and registration rules.
type Members struct {
	RegistrationOpen                bool     `toml:"registration_open" env:"REGISTRATION_OPEN"`
	AccountActivationDays           int      `toml:"account_activation_days" env:"ACCOUNT_ACTIVATION_DAYS"`
	MemberCanEditProfile            bool     `toml:"member_can_edit_profile" env:"MEMBER_CAN_EDIT_PROFILE"`
	SubscriptionsNotificationEmails []string `toml:"subscriptions_notification_emails" env:"SUBSCRIPTIONS_NOTIFICATION_EMAILS"`
}
