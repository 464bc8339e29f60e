// Every page of a build reflows on a phone (WCAG 1.4.10): at 320 and 390 CSS px wide no page
// scrolls sideways. Wide tables may scroll inside their own region (they carry tabindex and a
// label), which WCAG allows for content that needs two dimensions.
//
//   usage: node reflow.mjs BUILD_DIR PUPPETEER_CORE_DIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [dir, puppeteerDir] = process.argv.slice(2);
const require = createRequire(path.join(puppeteerDir, 'package.json'));
const puppeteer = require(puppeteerDir);

const pages = [];
const walk = (d) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.html')) pages.push(p);
  }
};
walk(dir);
if (pages.length === 0) { console.error('FAIL: no pages'); process.exit(1); }

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run'],
});
const failures = [];
try {
  const page = await browser.newPage();
  for (const width of [320, 390]) {
    await page.setViewport({ width, height: 800 });
    for (const p of pages) {
      await page.goto(pathToFileURL(p).href, { waitUntil: 'load' });
      const r = await page.evaluate(() => {
        const doc = document.documentElement;
        // The widest element that sticks out, outside scroll regions.
        let culprit = '';
        for (const el of document.body.querySelectorAll('*')) {
          if (el.closest('.scroll')) continue;
          const b = el.getBoundingClientRect();
          if (b.right > window.innerWidth + 1) {
            culprit = `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}: ${(el.textContent || '').slice(0, 60)}`;
            break;
          }
        }
        return { scroll: doc.scrollWidth, inner: window.innerWidth, culprit };
      });
      if (r.scroll > r.inner) failures.push(`${path.relative(dir, p)} at ${width}px: ${r.scroll}px wide (${r.culprit})`);
    }
  }
} finally {
  await browser.close();
}
if (failures.length) { console.error(`FAIL:\n${failures.join('\n')}`); process.exit(1); }
console.log(`${pages.length} pages reflow at 320 and 390 px`);
console.log('OK');
