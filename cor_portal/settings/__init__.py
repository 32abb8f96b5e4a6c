"""Settings split by environment: base, local (default), test and production."""
