// Live reload in a real browser (Debian's Chromium, driven by puppeteer-core from the validators'
// folder): the page loads; 20 edits in a row each show without a manual reload; a broken edit
// shows the error overlay, the fix clears it; a zip link downloads the bytes of the zip; the
// page's Content-Security-Policy reports no violation.
//
//   usage: node live-reload.mjs URL KIT_DIR PUPPETEER_CORE_DIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [url, kit, puppeteerDir] = process.argv.slice(2);
const require = createRequire(path.join(puppeteerDir, 'package.json'));
const puppeteer = require(puppeteerDir);

const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exit(1); };
// Live reload navigates the page, and puppeteer can lose the page's context in the middle of a
// step (then even a promise it keeps for itself rejects). That is not a failure: the waits
// below retry it, and they decide.
const lostContext = (e) => /Execution context was destroyed|Cannot find context with specified id/.test(String(e));
process.on('unhandledRejection', (e) => {
  if (lostContext(e)) return;
  console.error(e);
  process.exit(1);
});
async function retry(step) {
  const end = Date.now() + 30000;
  for (;;) {
    try {
      return await step();
    } catch (e) {
      if (!lostContext(e) || Date.now() >= end) throw e;
    }
  }
}
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = await browser.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text()); });
  const story = path.join(kit, 'content/verhaal.md');
  const original = fs.readFileSync(story, 'utf8');
  const article = new URL('werkgeversvereniging/blogs/verhaal.html', url).href;
  await page.goto(article, { waitUntil: 'load' });
  if (!(await page.content()).includes('Sanne heeft')) fail('the article did not load');
  const times = [];
  for (let i = 0; i < 20; i++) {
    const marker = `Sanne (bewerking ${i}) heeft`;
    const t0 = Date.now();
    fs.writeFileSync(story, original.replace('Sanne heeft', marker));
    try {
      await retry(() => page.waitForFunction((m) => document.body && document.body.innerText.includes(m), { timeout: 30000, polling: 10 }, marker.replace(/\*/g, '')));
    } catch (e) { fail(`edit ${i} was not shown`); }
    times.push(Date.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`save-to-page: median ${times[10]} ms, max ${times[19]} ms over 20 edits`);

  fs.writeFileSync(story, original.replace('{{partner.name}}', '{{partner.naam}}'));
  // writeFileSync truncates before it writes, as many editors do: a build may see the empty file
  // first and show that error, then the next build shows the real one. Wait for the real one.
  try {
    await retry(() => page.waitForSelector('#partnerkit-errors', { visible: true, timeout: 30000 }));
  } catch (e) { fail('a broken edit showed no overlay'); }
  try {
    await retry(() => page.waitForFunction(() => {
      const el = document.getElementById('partnerkit-errors');
      return el && el.innerText.includes('content/verhaal.md:') && el.innerText.includes('partner.naam');
    }, { timeout: 30000, polling: 10 }));
  } catch (e) {
    const overlay = await page.$eval('#partnerkit-errors', (el) => el.innerText).catch(() => '(none)');
    fail(`overlay lacks file or name: ${overlay}`);
  }
  fs.writeFileSync(story, original);
  try {
    await retry(() => page.waitForFunction(() => !document.getElementById('partnerkit-errors'), { timeout: 30000 }));
  } catch (e) { fail('the fix did not clear the overlay'); }

  // The download page: its zip links give the zip's bytes.
  await retry(() => page.goto(url, { waitUntil: 'load' }));
  const zips = await page.$$eval('a[href$=".zip"]', (as) => as.map((a) => a.href));
  if (zips.length === 0) fail('no zip links on the download page');
  for (const z of zips) {
    const head = await page.evaluate(async (u) => {
      const r = await fetch(u);
      const b = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, type: r.headers.get('content-type'), magic: Array.from(b.slice(0, 4)), size: b.length };
    }, z);
    if (head.status !== 200 || head.type !== 'application/zip' || head.magic.join(',') !== '80,75,3,4') fail(`${z}: ${JSON.stringify(head)}`);
  }
  console.log(`${zips.length} zip links give zips`);
  if (violations.length) fail(`CSP violations: ${violations.join('\n')}`);
  console.log('OK');
} finally {
  await browser.close();
}
