"""Identity: accounts and their import/export/deletion, passwords, two-step sign-in, API
tokens, usernames, roles and signed-in browsers."""
