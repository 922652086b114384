// The journey a reader makes through yanbao, in a real headless Chromium:
// search a Chinese query → open the report → the preview ends with the notice, the link and a
// visible QR code → chart search finds 图1 of the seed → a PDF's charts and pages as pictures →
// company → timeline; plus a phone-sized check; then a person signs in from a full-report link,
// uploads a file and signs out.
// Usage: BASE_URL=http://127.0.0.1:PORT SHOTS=DIR node journey.mjs (run.sh passes an ignored
// folder; scripts/screenshots.sh passes docs/screenshots).
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = process.env.BASE_URL || 'http://127.0.0.1:8080';
const SHOTS = process.env.SHOTS || 'screenshots';
const BROWSER = process.env.CHROMIUM || '/usr/bin/chromium';
const NOTICE = '预览已结束，完整报告链接和二维码如下';
const SEED_TITLE = '中美元首视频会晤';

mkdirSync(SHOTS, { recursive: true });
let failures = 0;

// Lines taken by the preview end's full-report link, and by the report id inside it (from
// `reportId=` to the end of its text part): the id must never be split across lines.
async function linkLines(page) {
  return page.evaluate(() => {
    const anchor = document.querySelector('section.preview-end a.full-link');
    if (!anchor) return { all: 0, id: 0 };
    const tops = (rects) => new Set(Array.from(rects).map((r) => Math.round(r.top))).size;
    const walker = document.createTreeWalker(anchor, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const at = node.data.indexOf('reportId=');
      if (at >= 0) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, node.data.length);
        return { all: tops(anchor.getClientRects()), id: tops(range.getClientRects()) };
      }
    }
    return { all: tops(anchor.getClientRects()), id: 0 };
  });
}
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

const browser = await chromium.launch({
  executablePath: BROWSER,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const external = [];
  const consoleErrors = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(BASE) && !request.url().startsWith('data:')) external.push(request.url());
  });
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));

  // 1. The home page: one search box.
  await page.goto(`${BASE}/`);
  check(await page.locator('form.big-search input[name=q]').isVisible(), 'home page shows the search box');
  await page.screenshot({ path: join(SHOTS, 'home.png'), fullPage: true });

  // 2. Search a Chinese query.
  await page.locator('form.big-search input[name=q]').fill('中美元首 会晤');
  await Promise.all([page.waitForURL(/\/search\?/), page.locator('form.big-search input[name=q]').press('Enter')]);
  const hits = page.locator('ol.hits > li.hit');
  await hits.first().waitFor({ timeout: 10000 });
  check((await hits.count()) > 0, `search finds hits (${await hits.count()} on the page)`);
  check((await page.locator('ol.hits mark').count()) > 0, 'snippets highlight the matched words');
  check((await page.locator('aside.facets .facet').count()) > 0, 'facets are shown');
  await page.screenshot({ path: join(SHOTS, 'search.png'), fullPage: true });

  // 3. Open the seed report from the results.
  const seedLink = page.locator('a.hit-title', { hasText: SEED_TITLE }).first();
  check(await seedLink.count() > 0, 'the seed is among the hits');
  await Promise.all([page.waitForURL(/\/reports\/[0-9a-f]+/), seedLink.click()]);
  await page.locator('article.report').waitFor();
  check((await page.locator('section.meta h1').innerText()).includes(SEED_TITLE), 'the report page shows the title');
  check((await page.locator('article.report figure.table table tbody tr').count()) > 0 || (await page.locator('article.report .body p').count()) > 3, 'the preview renders the body');

  // 4. The preview ends with the notice, the link and a visible QR code.
  const end = page.locator('section.preview-end');
  await end.scrollIntoViewIfNeeded();
  check((await end.locator('.notice').innerText()).includes(NOTICE), 'the preview ends with the notice');
  const href = await end.locator('a.full-link').getAttribute('href');
  check(!!href && href.includes('yunbaogao.cn'), `the full-report link is the seed's own (${href})`);
  const qr = end.locator('svg.qr');
  check(await qr.isVisible(), 'the QR code is visible');
  const box = await qr.boundingBox();
  check(!!box && box.width >= 100 && box.height >= 100, `the QR code is large enough (${box && Math.round(box.width)}px)`);
  const afterEnd = await page.evaluate(() => {
    const endCard = document.querySelector('section.preview-end');
    let node = endCard.nextElementSibling;
    return node ? node.textContent.trim().length : 0;
  });
  check(afterEnd === 0, 'nothing follows the preview end in the report');
  // The link wraps between its parts (after a / or the ?), never inside the report id: at the
  // desktop width and at the widths where a break-anywhere rule used to split it.
  const split = [];
  for (const width of [1280, 1024, 900, 800, 640, 480, 420]) {
    await page.setViewportSize({ width, height: 900 });
    const lines = await linkLines(page);
    if (lines.id !== 1) split.push(`${width}px: id on ${lines.id} lines`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  check(split.length === 0, `the full-report link never splits the report id (${split.join(', ') || '7 widths'})`);
  await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
  await end.screenshot({ path: join(SHOTS, 'preview-end.png') });

  // 5. Chart search finds 图1 of the seed and links to its place.
  await page.goto(`${BASE}/figures`);
  await page.locator('form.big-search input[name=q]').fill('支持率');
  await Promise.all([page.waitForURL(/\/figures\?q=/), page.locator('form.big-search input[name=q]').press('Enter')]);
  const cards = page.locator('ol.caption-list > li.caption-card');
  await cards.first().waitFor({ timeout: 10000 });
  const figureOne = page.locator('li.caption-card', { hasText: /图\s?1/ }).filter({ hasText: SEED_TITLE }).first();
  check(await figureOne.count() > 0, 'chart search finds 图1 of the seed');
  check((await figureOne.locator('.source').innerText()).includes('fivethirtyeight'), 'the chart shows its source');
  await page.screenshot({ path: join(SHOTS, 'figures.png'), fullPage: true });
  const captionHref = await figureOne.locator('a.caption-title').getAttribute('href');
  check(/\/reports\/[0-9a-f]+(\/full)?#b\d+$/.test(captionHref || ''), `the chart links to its place (${captionHref})`);
  if (captionHref && !captionHref.includes('/full')) {
    await figureOne.locator('a.caption-title').click();
    const anchor = captionHref.split('#')[1];
    await page.locator(`#${anchor}`).waitFor();
    check(await page.locator(`#${anchor}`).isVisible(), 'the chart link lands on the figure');
  }

  // 5b. A PDF report: chart search is a gallery of chart pictures; the report's preview shows its
  // first pages as pictures (its text folded below them), then the notice, link and QR code;
  // the charts in the text are pictures too.
  await page.goto(`${BASE}/figures?q=${encodeURIComponent('金刚线')}`);
  const thumb = page.locator('ol.caption-list.gallery li.caption-card a.thumb img').first();
  await thumb.waitFor({ timeout: 15000 });
  await page.waitForFunction(() => [...document.querySelectorAll('a.thumb img')].every((img) => img.complete), null, { timeout: 30000 });
  const thumbWidth = await thumb.evaluate((img) => img.naturalWidth);
  check(thumbWidth >= 200, `chart search shows the chart as a picture (${thumbWidth}px wide)`);
  await page.screenshot({ path: join(SHOTS, 'figures-gallery.png'), fullPage: true });
  const pdfCard = page.locator('li.caption-card').filter({ has: page.locator('a.thumb') }).first();
  await Promise.all([page.waitForURL(/\/reports\/[0-9a-f]+$/), pdfCard.locator('.hit-meta a').first().click()]);
  const pagePictures = page.locator('section.pages figure.page-picture img');
  await pagePictures.first().waitFor({ timeout: 15000 });
  await page.waitForFunction(() => [...document.querySelectorAll('section.pages img')].every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 60000 });
  const firstPageWidth = await pagePictures.first().evaluate((img) => img.naturalWidth);
  check(firstPageWidth >= 1000, `the PDF preview shows its first page as a picture (${firstPageWidth}px wide, ${await pagePictures.count()} page(s))`);
  check(await page.locator('section.preview-end .qr-box svg').isVisible(), 'the pictured preview still ends with the notice, link and QR code');
  await page.locator('section.pages').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'report-pdf.png'), fullPage: false });
  await page.locator('details.preview-text > summary').click();
  const chartPicture = page.locator('details.preview-text .chart-picture img').first();
  await chartPicture.waitFor({ timeout: 15000 });
  await page.waitForFunction(() => [...document.querySelectorAll('details.preview-text .chart-picture img')].every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 30000 });
  check((await chartPicture.evaluate((img) => img.naturalWidth)) >= 300, 'a chart in the preview text is a picture, not a grey box');

  // 6. A company: the search offers the company a note covers as a facet, and its page shows
  // the broker's rating on a chart drawn by the server, the reports and the forecast consensus.
  await page.goto(`${BASE}/search?q=${encodeURIComponent('舍得酒业')}`);
  const companyFacet = page.locator('aside.facets .facet li a', { hasText: '舍得酒业' }).first();
  check(await companyFacet.count() > 0, 'the search page offers the company facet');
  if (await companyFacet.count() > 0) {
    await Promise.all([page.waitForURL(/company=/), companyFacet.click()]);
    check((await page.locator('ol.hits > li.hit').count()) > 0, 'the company filter keeps its notes');
  }
  await page.goto(`${BASE}/companies/600702`);
  const companyPage = page.locator('section.company-page');
  check(await companyPage.isVisible(), 'the company page opens by code');
  check((await companyPage.locator('h1').innerText()).includes('舍得酒业'), 'the company page names the company');
  const chart = companyPage.locator('svg.rating-chart');
  const chartBox = await chart.boundingBox();
  check(!!chartBox && chartBox.width >= 300 && chartBox.height >= 40, `the rating chart is drawn (${chartBox && Math.round(chartBox.width)}×${chartBox && Math.round(chartBox.height)}px)`);
  check((await companyPage.locator('table.company-reports tbody tr').count()) > 0, 'the company page lists its reports');
  await page.screenshot({ path: join(SHOTS, 'company.png'), fullPage: true });

  // 7. The timeline.
  await page.goto(`${BASE}/timeline`);
  check((await page.locator('ol.timeline li.day').count()) > 0, 'the timeline shows days');
  await page.screenshot({ path: join(SHOTS, 'timeline.png'), fullPage: false });

  check(external.length === 0, `no request leaves the server (${external.slice(0, 3).join(', ')})`);
  check(consoleErrors.length === 0, `no console errors (${consoleErrors.slice(0, 3).join(' | ')})`);

  // 8. A phone: the report fits the width, tables scroll inside their box.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const mobile = await phone.newPage();
  await mobile.goto(page.url().replace(/\/timeline.*/, '/search?q=' + encodeURIComponent('拜登')));
  const seedHref = await mobile.locator('a.hit-title', { hasText: SEED_TITLE }).first().getAttribute('href');
  await mobile.goto(`${BASE}${(seedHref || '/').split('#')[0]}`);
  const overflow = await mobile.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `the report fits a phone screen (overflow ${overflow}px)`);
  const phoneLink = await linkLines(mobile);
  check(phoneLink.id === 1, `on a phone the full-report link keeps the report id on one line (${phoneLink.all} lines, id on ${phoneLink.id})`);
  await mobile.screenshot({ path: join(SHOTS, 'report-mobile.png'), fullPage: false });
  await phone.close();

  // 9. People (run.sh made an editor with `yanbao user add`): a full-report link opened
  // anonymously asks to sign in → sign in → the full report → upload a file on /upload and see
  // its result line → sign out → the same link asks again.
  const editor = process.env.EDITOR_NAME;
  const editorPassword = process.env.EDITOR_PASSWORD;
  check(!!editor && !!editorPassword, 'run.sh made an editor to sign in with (EDITOR_NAME, EDITOR_PASSWORD)');
  if (editor && editorPassword) {
    const people = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const person = await people.newPage();
    const peopleErrors = [];
    person.on('console', (message) => { if (message.type() === 'error') peopleErrors.push(message.text()); });
    person.on('pageerror', (error) => peopleErrors.push(String(error)));
    const listed = await (await person.request.get(`${BASE}/api/reports?limit=50`)).json();
    const target = listed.reports.find((r) => !r.duplicate_of) || listed.reports[0];
    const fullPath = `/reports/${target.id}/full`;
    await person.goto(`${BASE}${fullPath}`);
    check(person.url().startsWith(`${BASE}/login?next=`), `an anonymous full-report link asks to sign in (${person.url()})`);
    const signInForm = person.locator('section.signin form');
    check(await signInForm.isVisible(), 'the sign-in page shows its form');
    await person.screenshot({ path: join(SHOTS, 'sign-in.png'), fullPage: false });
    await signInForm.locator('input[name=name]').fill(editor);
    await signInForm.locator('input[name=password]').fill(editorPassword);
    await Promise.all([person.waitForURL(`${BASE}${fullPath}`), signInForm.locator('button[type=submit]').click()]);
    check(await person.locator('p.badge-full').isVisible(), 'signed in, the full report shows');
    check((await person.locator('header .account .user').innerText()).trim() === editor, 'the header names who is signed in');
    await person.screenshot({ path: join(SHOTS, 'full-signed-in.png'), fullPage: false });

    await person.goto(`${BASE}/upload`);
    check(await person.locator('#drop-zone').isVisible(), 'the upload page shows its drop zone');
    const uploadDir = mkdtempSync(join(tmpdir(), 'yanbao-journey-'));
    const uploadFile = join(uploadDir, 'journey-upload.md');
    writeFileSync(uploadFile, `# 浏览器上传测试 ${Date.now()}\n\n## 一、正文\n\n这是旅程中从浏览器上传的一份报告，编号 ${Date.now()}，用于检查上传结果行。\n`);
    await person.locator('#file-input').setInputFiles(uploadFile);
    const resultLine = person.locator('#upload-results li.upload-line[data-outcome]').first();
    await resultLine.waitFor({ timeout: 60000 });
    const outcome = await resultLine.getAttribute('data-outcome');
    check(outcome === 'added', `the upload's line says it was added (${outcome}: ${(await resultLine.innerText()).replace(/\s+/g, ' ')})`);
    check((await resultLine.locator('a[href^="/reports/"]').count()) > 0, 'the result line links to the new report');
    await person.screenshot({ path: join(SHOTS, 'upload.png'), fullPage: false });
    rmSync(uploadDir, { recursive: true, force: true });

    await Promise.all([person.waitForURL(`${BASE}/`), person.locator('header form.signout button').click()]);
    check(await person.locator('header .account a.signin').isVisible(), 'signed out, the header offers to sign in');
    await person.goto(`${BASE}${fullPath}`);
    check(person.url().startsWith(`${BASE}/login?next=`), 'after signing out the full-report link asks to sign in again');
    check(peopleErrors.length === 0, `no console errors while signed in (${peopleErrors.slice(0, 3).join(' | ')})`);
    await people.close();
  }
} catch (error) {
  console.error(`FAIL journey stopped: ${error.message}`);
  failures += 1;
} finally {
  await browser.close();
}
if (failures > 0) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('journey passed');
