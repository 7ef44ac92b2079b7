import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Finds the chromium the browser tests drive (Debian's, else the one @sparticuz/chromium ships) once per run.
    globalSetup: ['tests/support/chromium-setup.ts'],
    // The run ends with what was skipped, why and how to enable it; INTAKE_REQUIRE_ALL_TESTS=1 fails on any skip.
    reporters: ['default', './tests/support/skip-reporter.ts'],
  },
});
