"""Sign-in with django-allauth: the password, the second factor, step-up and recovery."""
