"""End-to-end tests: the real `hipalign serve` driven by headless Chromium (Playwright)."""
