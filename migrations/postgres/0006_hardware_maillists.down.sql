DROP TABLE mailing_list_syncs;
DROP TABLE mailing_list_subscriptions;
DROP TABLE mailing_lists;
DROP TABLE loans;
DROP TABLE items;
DROP TABLE storage_places;
DROP TABLE item_types;
