"""Dev-only tools: the generated and demo sites and the local servers tests, benchmarks and the demo use."""
