"""How passwords are stored.

Argon2id, the first choice of OWASP's Password Storage Cheat Sheet, at its recommended
configuration: 19 MiB of memory, 2 passes, 1 lane. Argon2id is memory-hard, so guessing on
graphics cards costs memory as well as time; PBKDF2 (Django's default) resists them only by
its iteration count, which makes every sign-in cost a fifth of a second of CPU. Here a check
costs about 20 ms, so a board's members signing in together before a meeting do not queue
behind each other's password checks. `PBKDF2PasswordHasher` stays second in
PASSWORD_HASHERS so that passwords stored before verify, and Django rehashes them with this
one at the next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    # Django's own Argon2 hasher uses Argon2id; only its cost parameters change. The hashes
    # keep Django's "argon2" prefix, so they stay readable by Django's stock hasher.
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
