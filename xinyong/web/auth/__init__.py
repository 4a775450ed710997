"""Web login and logout: signed session cookies, CSRF tokens on forms, lock-out."""
