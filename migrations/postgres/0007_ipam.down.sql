DROP TABLE ip_allocation_log;
DROP TABLE ip_ptr_records;
DROP TABLE ip_allocations;
DROP TABLE ip_pool_offers;
DROP TABLE ip_pools;
