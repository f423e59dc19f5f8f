"""Operations: backups, benchmarks, load-test preparation, synthetic data and loading the fixtures."""
