// Browser test of the audit log, statistics and administration screens in
// headless Chromium.  Signs in as an auditor: the audit log shows rows and
// filters by action; statistics draw an SVG chart with its numbers table.
// Signs in as an administrator: adds a user through the form and finds it
// in the users table.  Prints one TAP line per check and always exits 0
// (the TAP lines count).
// Env: BASE_URL, OUT_DIR, AUDITOR_USER/AUDITOR_PASSWORD,
// ADMIN_USER/ADMIN_PASSWORD, PLAYWRIGHT_CORE (module path, optional),
// CHROMIUM (default /usr/bin/chromium).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const OUT = process.env.OUT_DIR || 'tests/out';
const AUDITOR = process.env.AUDITOR_USER || 'aud1';
const AUDITOR_PW = process.env.AUDITOR_PASSWORD || '';
const ADMIN = process.env.ADMIN_USER || 'adm1';
const ADMIN_PW = process.env.ADMIN_PASSWORD || '';
// Generous, for a busy machine: a wait returns once its condition holds.
const WAIT = Number(process.env.BROWSER_WAIT || 120000);

let n = 0;
function ok(pass, name, why) {
  n++;
  console.log((pass ? 'ok ' : 'not ok ') + n + ' - ' + name);
  if (!pass && why) console.log('# ' + String(why).split('\n')[0]);
}
// Runs one check; an exception is a failure with its message.  Checks
// that need a signed-in user fail at once when the sign-in failed.
let signedInAs = '';
async function check(name, fn, needs) {
  if (needs && signedInAs !== needs) {
    ok(false, name, 'not signed in as ' + needs);
    return false;
  }
  try {
    const r = await fn();
    ok(r !== false, name, r === false ? 'condition false' : '');
    return r !== false;
  } catch (e) {
    ok(false, name, e && e.message);
    return false;
  }
}

// PLAYWRIGHT_CORE may name the package's folder or one of its files.
async function loadPlaywright() {
  const spec = process.env.PLAYWRIGHT_CORE || 'playwright-core';
  try {
    return createRequire(import.meta.url)(spec);
  } catch (e) {
    return import(isAbsolute(spec) ? pathToFileURL(spec).href : spec);
  }
}
let chromium;
try {
  ({ chromium } = await loadPlaywright());
  if (!chromium) throw new Error('no chromium in playwright-core');
} catch (e) {
  ok(false, 'load playwright-core', e.message);
  console.log('1..' + n);
  process.exit(0);
}
mkdirSync(OUT, { recursive: true });

let browser;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: WAIT
  });
} catch (e) {
  ok(false, 'launch chromium', e.message);
  console.log('1..' + n);
  process.exit(0);
}

const errors = [];
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
page.setDefaultTimeout(WAIT);
page.on('pageerror', (e) => errors.push(e.message));

// What index.html must load for these screens.  Until it does, the check
// below fails and the files are added to the page, so the other checks
// still test the screens themselves.
const ASSETS = ['/audit.js', '/stats.js', '/admin.js', '/reports.css'];
let wiringChecked = false;
async function ensureAssets() {
  const missing = await page.evaluate((list) => list.filter((u) =>
    !document.querySelector(`script[src="${u}"], link[rel="stylesheet"][href="${u}"]`)), ASSETS);
  if (!wiringChecked) {
    wiringChecked = true;
    ok(missing.length === 0, 'index.html loads audit.js, stats.js, admin.js and reports.css',
      'missing: ' + missing.join(', ') + ' (added by the test for the other checks)');
  }
  for (const u of missing) {
    if (u.endsWith('.css')) await page.addStyleTag({ url: u });
    else await page.addScriptTag({ url: u });
  }
}

async function signIn(name, password) {
  await page.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#signin:not([hidden]), #who:not([hidden])');
  await ensureAssets();
  if (await page.isVisible('#who')) await signOut();
  await page.fill('#name', name);
  await page.fill('#password', password);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#who:not([hidden])');
  const who = await page.textContent('#whoname');
  if (!who.startsWith(name + ' ')) throw new Error('signed in as ' + who);
  signedInAs = name;
}

async function signOut() {
  await page.click('#signout');
  await page.waitForSelector('#signin:not([hidden])');
  signedInAs = '';
}

async function open(hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

// ---- auditor: audit log ----
await check('auditor signs in', () => signIn(AUDITOR, AUDITOR_PW));

await check('audit log shows entries', async () => {
  await open('#/audit');
  await page.waitForSelector('.rp-audit-table tbody tr');
  const rows = await page.$$eval('.rp-audit-table tbody tr', (t) => t.length);
  if (rows < 1) throw new Error('no rows');
}, AUDITOR);

await check('audit filter by action login shows only login entries', async () => {
  const before = await page.$('.rp-audit');
  await page.fill('#audit-action', 'login');
  await page.click('.rp-audit button[type=submit]');
  // The screen is drawn anew: wait for the old one to go, then the rows.
  await page.waitForFunction((el) => !el.isConnected, before);
  await page.waitForFunction(() => {
    const s = document.querySelector('.rp-audit .rp-summary');
    return s && /entries shown|entry shown|No entries/.test(s.textContent);
  });
  const actions = await page.$$eval('.rp-audit-table tbody tr td.rp-action', (t) => t.map((x) => x.textContent));
  if (actions.length === 0) throw new Error('no login rows');
  const other = actions.filter((a) => a !== 'login');
  if (other.length) throw new Error('other actions: ' + other.slice(0, 3).join(', '));
}, AUDITOR);

await check('audit filter is kept in the address and the form', async () => {
  const h = await page.evaluate(() => location.hash);
  const v = await page.inputValue('#audit-action');
  return h === '#/audit?action=login' && v === 'login';
}, AUDITOR);

await check('audit screenshot', () => page.screenshot({ path: join(OUT, 'audit.png'), fullPage: true }), AUDITOR);

// ---- auditor: statistics ----
await check('statistics draw an SVG chart', async () => {
  await open('#/stats');
  await page.waitForSelector('.rp-stats figure svg.rp-chart rect');
  const figs = await page.$$eval('.rp-stats figure', (f) => f.map((x) => x.querySelector('figcaption') && x.querySelector('figcaption').textContent));
  if (figs.length < 5) throw new Error('only ' + figs.length + ' figures');
}, AUDITOR);

await check('statistics show the numbers table beside the chart', async () => {
  const cells = await page.$$eval('.rp-stats figure table tbody td.rp-num', (t) => t.map((x) => x.textContent));
  if (cells.length === 0) throw new Error('no numbers');
  if (!cells.every((c) => /^[\d,.]+$/.test(c))) throw new Error('odd numbers: ' + cells.slice(0, 4).join(' '));
}, AUDITOR);

await check('statistics show dossier completeness', async () => {
  await page.waitForSelector('.rp-complete-line');
  const t = await page.textContent('.rp-complete-line');
  return /\d+ of \d+ dossiers complete|No customer dossiers were checked/.test(t);
}, AUDITOR);

await check('statistics screenshot', () => page.screenshot({ path: join(OUT, 'stats.png'), fullPage: true }), AUDITOR);

await check('auditor signs out', () => signOut(), AUDITOR);

// ---- administrator: add a user ----
await check('admin signs in', () => signIn(ADMIN, ADMIN_PW));

const newName = 'ui-test-' + Date.now().toString(36);
await check('admin screen lists users and roles', async () => {
  await open('#/admin');
  await page.waitForSelector('.rp-users tbody tr');
  await page.waitForSelector('#admin-role option[value="staff"]', { state: 'attached' });
  const roles = await page.$$eval('.rp-roles tbody tr', (t) => t.length);
  if (roles < 1) throw new Error('no roles');
}, ADMIN);

await check('admin adds a user through the form', async () => {
  await page.fill('#admin-name', newName);
  await page.fill('#admin-password', 'ui-test-password-1');
  await page.selectOption('#admin-role', 'staff');
  await page.selectOption('#admin-clearance', 'internal');
  await page.click('.rp-adduser button[type=submit]');
  await page.waitForSelector('.rp-adduser .status');
  await page.waitForFunction(() => !/Adding/.test(document.querySelector('.rp-adduser .status').textContent));
  const msg = await page.textContent('.rp-adduser .status');
  if (await page.isVisible('.rp-adduser .status.error')) throw new Error(msg);
}, ADMIN);

await check('the new user appears in the users table', async () => {
  await page.waitForFunction((name) =>
    [...document.querySelectorAll('.rp-users tbody th')].some((t) => t.textContent === name), newName);
  const role = await page.$$eval('.rp-users tbody tr', (rows, name) => {
    const r = rows.find((x) => x.querySelector('th').textContent === name);
    return r ? r.children[1].textContent : '';
  }, newName);
  return role === 'staff';
}, ADMIN);

await check('admin screenshot', () => page.screenshot({ path: join(OUT, 'admin.png'), fullPage: true }), ADMIN);

await check('adding the same user again shows the server\'s error', async () => {
  await page.fill('#admin-name', newName);
  await page.fill('#admin-password', 'ui-test-password-1');
  await page.selectOption('#admin-role', 'staff');
  await page.click('.rp-adduser button[type=submit]');
  await page.waitForSelector('.rp-adduser .status.error');
  const msg = await page.textContent('.rp-adduser .status.error');
  return /already exists/.test(msg);
}, ADMIN);

ok(errors.length === 0, 'no script errors on the page', errors.join(' | '));

await browser.close();
console.log('1..' + n);
process.exit(0);
