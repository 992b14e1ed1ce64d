"""Test support: the real control plane as a process, an operator over plain HTTP, a fake
control plane for what the real one cannot be made to do on demand, and the secrets registry."""
