// Browser test of the document viewer and the customer dossier in headless
// Chromium.  Signs in, searches a word known to be in the archive, opens
// the first hit: the page image loads, the word is boxed on it (and the
// boxes follow the zoom), the OCR text is beside it; then opens the
// document's customer dossier, if it has a customer.  Screenshots go to
// OUT_DIR/viewer.png and OUT_DIR/dossier.png.  Prints one TAP line per
// check and always exits 0 (the TAP lines count).
// Env: BASE_URL, USER, PASSWORD, WORD, OUT_DIR, PLAYWRIGHT_CORE (module
// path, optional), CHROMIUM (default /usr/bin/chromium).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const USER = process.env.USER_NAME || process.env.USER || 'demo';
const PASSWORD = process.env.PASSWORD || '';
const WORD = process.env.WORD || 'loan';
const OUT = process.env.OUT_DIR || 'tests/out';
// Generous, for a busy machine: a wait returns once its condition holds.
const WAIT = Number(process.env.BROWSER_WAIT || 120000);

let n = 0;
function ok(pass, name, why) {
  n++;
  console.log((pass ? 'ok ' : 'not ok ') + n + ' - ' + name);
  if (!pass && why) console.log('# ' + String(why).split('\n')[0]);
}
function skip(name, why) {
  n++;
  console.log('ok ' + n + ' - ' + name + ' # SKIP ' + why);
}
// Runs one check; an exception is a failure with its message.  Returns
// whether it passed, so later checks can depend on it.
async function check(name, fn) {
  try {
    const r = await fn();
    ok(r !== false, name, r === false ? 'condition false' : '');
    return r !== false;
  } catch (e) {
    ok(false, name, e && e.message);
    return false;
  }
}

// PLAYWRIGHT_CORE may name the package, its folder or its index.mjs.
let chromium;
try {
  const mod = process.env.PLAYWRIGHT_CORE || 'playwright-core';
  try {
    ({ chromium } = createRequire(import.meta.url)(mod));
  } catch (e) {
    ({ chromium } = await import(mod));
  }
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
const dialogs = [];
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
page.setDefaultTimeout(WAIT);
page.on('pageerror', (e) => errors.push(e.message));
// Text from the archive must never run: any alert() would be a script
// that came in as HTML.
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });

// What index.html must load for these screens.  Until it does, the check
// below fails and the files are added to the page, so the other checks
// still test the screens themselves.
const ASSETS = ['/viewer.js', '/dossier.js', '/viewer.css'];
let wiringChecked = false;
async function ensureAssets() {
  const missing = await page.evaluate((list) => list.filter((u) =>
    !document.querySelector(`script[src="${u}"], link[rel="stylesheet"][href="${u}"]`)), ASSETS);
  if (!wiringChecked) {
    wiringChecked = true;
    ok(missing.length === 0, 'index.html loads viewer.js, dossier.js and viewer.css',
      'missing: ' + missing.join(', ') + ' (added by the test for the other checks)');
  }
  for (const u of missing) {
    if (u.endsWith('.css')) await page.addStyleTag({ url: u });
    else await page.addScriptTag({ url: u });
  }
}

async function open(hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

// The box of an element in page pixels, or null.
async function box(sel) {
  const h = await page.$(sel);
  return h ? h.boundingBox() : null;
}

const signedIn = await check('signs in as ' + USER, async () => {
  await page.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#signin:not([hidden]), #who:not([hidden])');
  await ensureAssets();
  if (await page.isVisible('#signin')) {
    await page.fill('#name', USER);
    await page.fill('#password', PASSWORD);
    await page.click('#signin button[type=submit]');
  }
  await page.waitForSelector('#who:not([hidden])');
  const who = await page.textContent('#whoname');
  if (!who.startsWith(USER + ' ')) throw new Error('signed in as ' + who);
});
if (!signedIn) {
  await browser.close();
  console.log('1..' + n);
  process.exit(0);
}

// ---- search, then the first hit ----
const found = await check('searching "' + WORD + '" lists documents', async () => {
  await open('#/search');
  const input = await page.waitForSelector('#view input[type=search]');
  await input.fill(WORD);
  await input.press('Enter');
  await page.waitForFunction((w) => new URLSearchParams(location.hash.split('?')[1] || '').get('q') === w, WORD);
  await page.waitForSelector('#view a[href^="#/doc/"]');
});

let docId = null;
const opened = found && await check('the first hit opens the document viewer', async () => {
  const first = (await page.$('#view .hits a[href^="#/doc/"]')) || (await page.$('#view a[href^="#/doc/"]'));
  const href = await first.getAttribute('href');
  docId = (/^#\/doc\/(\d+)/.exec(href) || [])[1];
  await first.click();
  await page.waitForFunction(() => location.hash.startsWith('#/doc/'));
  await page.waitForSelector('.dv .dv-img', { state: 'visible' });
  if (!docId) throw new Error('odd link ' + href);
});

if (opened) {
  await check('the page image loads', async () => {
    await page.waitForFunction(() => {
      const i = document.querySelector('.dv-img');
      return i && i.complete && i.naturalWidth > 0 && !document.querySelector('.dv-sheet.loading');
    });
    const src = await page.getAttribute('.dv-img', 'src');
    const w = +new URL(src, BASE).searchParams.get('w');
    if (!(w >= 200 && w <= 2400)) throw new Error('asked for width ' + w);
  });

  const boxed = await check('the searched word is boxed on the page image', async () => {
    await page.waitForSelector('.dv-overlay .dv-hl', { state: 'visible' });
    const img = await box('.dv-img');
    const hl = await box('.dv-overlay .dv-hl');
    if (!img || !hl || hl.width < 2 || hl.height < 2) throw new Error('box has no size');
    const inside = hl.x >= img.x - 2 && hl.y >= img.y - 2 &&
      hl.x + hl.width <= img.x + img.width + 2 && hl.y + hl.height <= img.y + img.height + 2;
    if (!inside) throw new Error('box outside the image: ' + JSON.stringify({ hl, img }));
  });

  await check('the OCR text of the page is shown beside the image', async () => {
    await page.waitForSelector('.dv-side .dv-ocr');
    const t = await page.textContent('.dv-side .dv-ocr');
    if (!t || !t.trim()) throw new Error('empty text pane');
  });

  if (boxed) {
    await check('the boxed words are marked in the text', async () => {
      await page.waitForSelector('.dv-ocr mark', { state: 'attached' });
    });

    await check('zooming in scales the boxes with the image', async () => {
      const before = await box('.dv-overlay .dv-hl');
      const imgBefore = await box('.dv-img');
      await page.click('.dv-bar button[aria-label^="Zoom in"]');
      await page.waitForFunction((w) => {
        const i = document.querySelector('.dv-img');
        return i && i.getBoundingClientRect().width > w * 1.2;
      }, imgBefore.width);
      const after = await box('.dv-overlay .dv-hl');
      const imgAfter = await box('.dv-img');
      const want = before.width * imgAfter.width / imgBefore.width;
      if (Math.abs(after.width - want) > 2) throw new Error('box width ' + after.width + ', want ' + want.toFixed(1));
      await page.click('.dv-bar button[aria-label^="Fit"]');
      await page.waitForFunction((w) => Math.abs(document.querySelector('.dv-img').getBoundingClientRect().width - w) < 2, imgBefore.width);
    });
  }

  await check('"Back to results" returns to the search', async () => {
    const href = await page.getAttribute('.dv-back', 'href');
    const q = new URLSearchParams(href.split('?')[1] || '').get('q');
    if (!href.startsWith('#/search?') || q !== WORD) throw new Error('link is ' + href);
  });

  await check('download links are shown exactly when the role may download', async () => {
    const may = await page.evaluate(async () => {
      const me = await (await fetch('/api/me')).json();
      return (me.actions || []).includes('download');
    });
    const links = await page.$$eval('.dv-downloads a[href$="/original"]', (a) => a.length);
    return may ? links === 1 : links === 0;
  });

  await check('the details list the archive number and pages', async () => {
    await page.waitForSelector('.dv-meta dt');
    const dts = await page.$$eval('.dv-meta dt', (d) => d.map((x) => x.textContent));
    return dts.includes('Archive number') && dts.includes('Pages');
  });

  await check('the history lists entries', async () => {
    await page.waitForSelector('.dv-history tbody tr');
  });

  await check('viewer screenshot', () => page.screenshot({ path: join(OUT, 'viewer.png') }));

  // ---- the document's customer ----
  const cust = await page.$('.dv-meta a[href^="#/customer/"]');
  if (!cust) {
    skip('the customer dossier opens', 'document ' + docId + ' has no customer');
  } else {
    const custHref = await cust.getAttribute('href');
    const dossier = await check('the customer dossier opens from the document', async () => {
      await cust.click();
      await page.waitForFunction((h) => location.hash === h, custHref);
      await page.waitForSelector('.cd .cd-head h2');
      const name = (await page.textContent('.cd .cd-head h2')).trim();
      if (!name) throw new Error('no name');
    });
    if (dossier) {
      await check('the dossier shows the completeness checklist', async () => {
        await page.waitForSelector('.cd-check .cd-complete, .cd-check .cd-missing > li, .cd-check .status.error');
        if (await page.$('.cd-check .status.error')) throw new Error(await page.textContent('.cd-check .status.error'));
      });
      await check('the dossier timeline holds the document (linked to the viewer)', async () => {
        await page.waitForSelector('.cd-lanes .cd-doc, .cd-docs .status.error');
        await page.waitForSelector('.cd-lanes a[href="#/doc/' + docId + '"]');
      });
      await check('dossier screenshot', () => page.screenshot({ path: join(OUT, 'dossier.png'), fullPage: true }));
    }
  }
}

ok(errors.length === 0, 'no script errors on the page', errors.join(' | '));
ok(dialogs.length === 0, 'no dialog opened (no archive text ran as script)', dialogs.join(' | '));

await browser.close();
console.log('1..' + n);
process.exit(0);
