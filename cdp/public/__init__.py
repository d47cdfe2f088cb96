"""The public accountability page: what a partnership publishes at /p/<slug>/ for residents,
readable without signing in, and the page where its administrator chooses it."""
