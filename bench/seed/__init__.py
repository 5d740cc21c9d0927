"""Seeding the benchmark database: protocols, the register, transfers, audit events."""
