DROP TABLE member_requests;
