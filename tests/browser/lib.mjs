// lib.mjs: what the browser tests share: launching Debian's chromium
// through playwright-core, TAP output with its plan, signing in,
// screenshots.  WAIT is how long anything may take to appear: generous,
// for a busy machine (CI, a build beside the tests, ASan); a wait that
// passes returns as soon as its condition holds.
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

export const WAIT = Number(process.env.BROWSER_WAIT || 120000);

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
    timeout: WAIT,
  });
  const page = await newPage(browser);
  const errors = [];
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('dialog', async (d) => { errors.push('dialog opened: ' + d.message()); await d.dismiss(); });
  return { browser, page, errors };
}

// A page in a context of its own whose waits default to WAIT.
export async function newPage(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  ctx.setDefaultTimeout(WAIT);
  ctx.setDefaultNavigationTimeout(WAIT);
  return ctx.newPage();
}

// The plan, once the script reached its end: a script that stops early
// prints none, and the test that runs it fails.
export function end() {
  console.log('1..' + n);
}

export async function signIn(page, base, user, password) {
  await page.goto(base + '/');
  await page.waitForSelector('#name');
  await page.fill('#name', user);
  await page.fill('#password', password);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#whoname', { state: 'visible' });
}

export async function shot(page, name) {
  const dir = process.env.OUT_DIR || '.';
  await page.screenshot({ path: dir + '/' + name + '.png', fullPage: true });
}
