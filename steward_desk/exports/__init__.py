"""What the admin publishes: the signed decisions feed, revised classifications, the licence
ledger, driver notices and decision documents. Every file is written atomically."""
