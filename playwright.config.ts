// Playwright: Debian Chromium, headless, one worker; the global setup launches the dashboard on a
// fresh demo cluster (fast clock) exactly as `npm start` does, on free ports.
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './scripts/lib/browser';

const executablePath = chromiumPath();

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { ...(executablePath ? { executablePath } : {}), args: chromiumArgs() },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
