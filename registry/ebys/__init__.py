"""The lookups every EBYS makes for a letter: letterhead, addressee, arz/rica, signatories,
distribution lists, contact block, KEP addresses and certificates."""
