// attacks.mjs: markup stored in the archive never runs in the page.  Run
// by tests/integration/attacks.sh on its own archive, whose document 1
// has markup in its OCR text, title, keywords, signatory and file name,
// its customer in name, notes and address, and the audit log a sign-in
// under a markup name.  On the search, viewer, dossier, audit and review
// screens the markup shows as text; no injected element exists, no
// script beyond the page's own, window.__pwned stays unset, and no
// dialog opens.
// Env: BASE_URL, OUT_DIR, AUDITOR_USER, AUDITOR_PASSWORD, CLERK_USER,
// CLERK_PASSWORD (a clerk whose batch holds document 1).
import { ok, launch, newPage, signIn, shot, end } from './lib.mjs';

const base = process.env.BASE_URL;
const screens = [
  ['search', '/#/search?q=agreement', '<img src=x onerror="window.__pwned=7">'],
  ['viewer', '/#/doc/1', '<script>window.__pwned=1</script>'],
  ['viewer details', '/#/doc/1', '</script><script>window.__pwned=9</script>'],
  ['viewer file name', '/#/doc/1', '"><img src=x onerror=window.__pwned=3>.pdf'],
  ['dossier', '/#/customer/C-EVIL', '<script>window.__pwned=4</script>'],
  ['dossier address', '/#/customer/C-EVIL', '<img src=x onerror=window.__pwned=6>'],
  ['audit log', '/#/audit?action=login.fail', '<img src=x onerror=window.__pwned=10>'],
];

// What an injection would leave behind, and the page's own scripts.
async function clean(page) {
  return page.evaluate(() => ({
    pwned: typeof window.__pwned,
    injected: document.querySelectorAll(
      '[onerror], [onload], [onclick], img[src="x"], iframe, object, embed').length,
    scripts: [...document.scripts].map((s) => s.src.replace(location.origin, '') || 'inline'),
  }));
}

async function visit(page, name, path, text) {
  await page.goto(base + path);
  await page.waitForFunction((t) => document.body.innerText.includes(t), text);
  ok(true, name + ': the markup shows as text: ' + text);
  const c = await clean(page);
  ok(c.pwned === 'undefined', name + ': no injected script ran', 'window.__pwned is ' + c.pwned);
  ok(c.injected === 0, name + ': no element was injected', c.injected + ' found');
  ok(c.scripts.length === 13 && c.scripts.every((s) => /^\/[a-z]+\.js$/.test(s)),
    name + ': only the page\'s own scripts', c.scripts.join(' '));
}

const { browser, page, errors } = await launch();
const csp = [];
page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
try {
  await signIn(page, base, process.env.AUDITOR_USER, process.env.AUDITOR_PASSWORD);
  for (const [name, path, text] of screens) {
    try {
      await visit(page, name, path, text);
    } catch (e) {
      ok(false, name + ': the screen shows the markup as text: ' + text, e.message);
      await shot(page, 'attacks-' + name.replace(/ /g, '-')).catch(() => {});
    }
  }
  await shot(page, 'attacks-audit');
  // The clerk's review queue lists document 1 with its title.
  const clerk = await newPage(browser);
  clerk.on('pageerror', (e) => errors.push('page error: ' + e.message));
  clerk.on('dialog', async (d) => { errors.push('dialog opened: ' + d.message()); await d.dismiss(); });
  clerk.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  await signIn(clerk, base, process.env.CLERK_USER, process.env.CLERK_PASSWORD);
  await visit(clerk, 'review', '/#/review', '<img src=x onerror="window.__pwned=7">');
  await shot(clerk, 'attacks-review');
  ok(errors.length === 0, 'no script errors or dialogs', errors.join('\n'));
  ok(csp.length === 0, 'nothing was stopped by the Content-Security-Policy either', csp.join('\n'));
} catch (e) {
  ok(false, 'attack screens', e.stack);
  await shot(page, 'attacks-failure').catch(() => {});
} finally {
  await browser.close();
}
end();
