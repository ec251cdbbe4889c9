// lib.mjs: what the browser tests share: launching Debian's chromium
// through playwright-core, TAP output, signing in, screenshots.
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

let n = 0;
export function ok(cond, name, detail) {
  n++;
  console.log((cond ? 'ok ' : 'not ok ') + n + ' - ' + name);
  if (!cond && detail) console.log('# ' + String(detail).split('\n').join('\n# '));
  return !!cond;
}

export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('dialog', async (d) => { errors.push('dialog opened: ' + d.message()); await d.dismiss(); });
  return { browser, page, errors };
}

export async function signIn(page, base, user, password) {
  await page.goto(base + '/');
  await page.waitForSelector('#name', { timeout: 10000 });
  await page.fill('#name', user);
  await page.fill('#password', password);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#whoname', { state: 'visible', timeout: 10000 });
}

export async function shot(page, name) {
  const dir = process.env.OUT_DIR || '.';
  await page.screenshot({ path: dir + '/' + name + '.png', fullPage: true });
}
