DROP TABLE outbox_attachments;
DROP TABLE invoice_reminders;
DROP TABLE collection_steps;
DROP TABLE subscription_arrears;
DROP TABLE collection_settings;
