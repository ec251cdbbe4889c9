import { launch, signIn, shot } from './lib.mjs';
const base = process.env.BASE_URL;
const users = (process.env.USERS || 'cle,sta,mgr,aud,adm').split(',');
for (const u of users) {
  const { browser, page, errors } = await launch();
  await signIn(page, base, u, 'pass-' + u + '-123');
  await page.waitForTimeout(1500);
  await shot(page, u + '-home');
  for (const h of (process.env.HASHES || '').split(' ').filter(Boolean)) {
    await page.goto(base + '/' + h);
    await page.waitForTimeout(2000);
    await shot(page, u + '-' + h.replace(/[^a-z0-9]+/gi, '_'));
  }
  console.log(u, errors.join('; '));
  await browser.close();
}
