"""The admin's exports in the window: the Export menu and the Results and Ledger pages."""
