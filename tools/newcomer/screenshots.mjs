// Takes the README's screenshots from a running AppHost, and fails when a page does not show what its
// screenshot claims. Debian's chromium, driven by puppeteer-core (which downloads no browser of its own):
// the dashboard is a Blazor Server app that `chromium --screenshot` captures blank.
//
// node screenshots.mjs --login URL --prometheus URL --nodes cache-0,cache-1,cache-2 --expr PROMQL --trace TRACEID --out DIR [--range 90s] [--history 60] [--profile DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const options = parseArguments(process.argv.slice(2));
const nodes = options.nodes.split(',').filter(Boolean);
const dashboard = new URL(options.login).origin;
const outFolder = path.resolve(options.out);
fs.mkdirSync(outFolder, { recursive: true });

// Every wait is bounded; the dashboard needs a few seconds per page on two busy cores.
const PAGE_TIMEOUT = 60_000;

// The flags that work on this kind of machine: without the background-networking ones chromium keeps
// trying hosts the closed network refuses. A fresh profile each run, so no old login or cache leaks in.
const profile = options.profile ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aspirecache-chromium-'));
const browser = await puppeteer.launch({
  executablePath: options.chromium ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`,
  ],
  defaultViewport: { width: 1280, height: 720, deviceScaleFactor: 1 },
});

let failed = false;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT);

  // The login URL carries the token; the dashboard answers with a cookie and the resources page.
  await page.goto(options.login, { waitUntil: 'domcontentloaded' });
  await resources(page);
  await traceAcrossNodes(page);
  await prometheusHitRatio(page);
} catch (error) {
  failed = true;
  console.error(`screenshots: ${error.message}`);
} finally {
  await browser.close();
  if (!options.profile) {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);

async function resources(page) {
  const wanted = [...nodes, 'loadgen', 'demobackend', 'prometheus'];
  await page.goto(`${dashboard}/`, { waitUntil: 'domcontentloaded' });
  // A resource's row says "Running" once it started, "Running (Unhealthy)" until its health check passes.
  const notRunning = await waitFor(page, 'every resource Running and healthy on the resources page', (names) => {
    const rows = [...document.querySelectorAll('[role="row"], tr')];
    const stateOf = (name) => {
      const row = rows.find((r) => r.innerText.split(/\s+/).includes(name));
      return row ? row.innerText.replace(/\s+/g, ' ') : 'no row';
    };
    const bad = names.map((n) => [n, stateOf(n)]).filter(([, s]) => !/\bRunning\b/.test(s) || /Unhealthy|Starting|Waiting/.test(s));
    return bad.length === 0 ? true : null;
  }, wanted);
  if (notRunning !== true) {
    throw new Error('the resources page does not show every resource running');
  }
  const text = await page.evaluate(() => document.body.innerText);
  for (const name of wanted) {
    assert(text.includes(name), `the resources page does not name ${name}`);
  }
  assert(text.includes('Running'), 'the resources page does not say Running');
  await expectNoCertificateNotice(page);
  await shoot(page, 'dashboard-resources.png');
}

async function traceAcrossNodes(page) {
  // The newcomer script's own request: a node asked for a key another node owns, which loaded it from
  // the backend, sent with a known trace id. The dashboard may get its spans a little later: the page is
  // reloaded until they are all there.
  const traceId = options.trace;
  const deadline = Date.now() + PAGE_TIMEOUT;
  let shown = null;
  while (!shown) {
    await page.goto(`${dashboard}/traces/detail/${traceId}`, { waitUntil: 'domcontentloaded' });
    shown = await page.waitForFunction((names) => {
      const text = document.body.innerText;
      if (!text.includes('Trace detail')) {
        return null;
      }
      const nodesShown = names.filter((n) => new RegExp(`\\b${n}\\b`).test(text));
      return nodesShown.length >= 2 && text.includes('demobackend') ? nodesShown : null;
    }, { timeout: 10_000, polling: 500 }, nodes).then((handle) => handle.jsonValue()).catch(() => null);
    if (!shown && Date.now() > deadline) {
      const file = path.join(outFolder, `failed-${Date.now()}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      throw new Error(`trace ${traceId} did not show spans of two nodes and demobackend within ${PAGE_TIMEOUT / 1000} s (page as it was: ${file})`);
    }
  }
  console.log(`screenshots: trace ${traceId} spans ${shown.join(', ')} and demobackend`);
  await expectNoCertificateNotice(page);
  await shoot(page, 'trace-across-nodes.png');
}

async function prometheusHitRatio(page) {
  // A graph of the first seconds of load is a cliff at the right edge: wait (bounded) until
  // Prometheus holds a minute of the ratio, then show a range just longer than that.
  const history = await waitForHistory(Number(options.history ?? 60));
  console.log(`screenshots: Prometheus holds ${history} s of the hit ratio`);
  const graph = new URL('/graph', options.prometheus);
  graph.searchParams.set('g0.expr', options.expr);
  graph.searchParams.set('g0.tab', '0');
  graph.searchParams.set('g0.range_input', options.range ?? '90s');
  await page.goto(graph.href, { waitUntil: 'domcontentloaded' });
  // Debian's Prometheus serves the classic UI: a legend entry per series once the query answered with data.
  await waitFor(page, 'a series in Prometheus\'s graph of the hit ratio', () => {
    const stats = document.querySelector('.eval_stats')?.innerText ?? '';
    return /Total time series: [1-9]/.test(stats) && document.querySelector('.rickshaw_legend li') && document.querySelector('.rickshaw_graph svg path') ? true : null;
  });
  // From the expression to the legend: the query and its graph in one 1280-wide picture.
  const clip = await page.evaluate(() => {
    const top = document.querySelector('textarea, input.expression_input')?.getBoundingClientRect().top ?? 0;
    const bottom = document.querySelector('.rickshaw_legend')?.getBoundingClientRect().bottom ?? 720;
    return { x: 0, y: Math.max(0, top - 16), width: 1280, height: Math.min(900, bottom - top + 32) };
  });
  await shoot(page, 'prometheus-hit-ratio.png', { clip, captureBeyondViewport: true });
}

// Seconds between the first sample of the expression in the last five minutes and now, once at least `seconds`.
async function waitForHistory(seconds) {
  // Prometheus listens on 127.0.0.1 only; Node may try ::1 first for "localhost".
  const base = new URL(options.prometheus);
  base.hostname = base.hostname === 'localhost' ? '127.0.0.1' : base.hostname;
  const deadline = Date.now() + seconds * 1000 + 90_000;
  let held = 0;
  while (Date.now() < deadline) {
    const now = Date.now() / 1000;
    const query = new URL('/api/v1/query_range', base);
    query.search = new URLSearchParams({ query: options.expr, start: String(now - 300), end: String(now), step: '5' }).toString();
    try {
      const answer = await (await fetch(query, { signal: AbortSignal.timeout(5_000) })).json();
      const values = (answer.data?.result?.[0]?.values ?? []).filter(([, v]) => Number.isFinite(Number(v)));
      held = values.length > 0 ? Math.round(now - values[0][0]) : 0;
      if (held >= seconds) {
        return held;
      }
    } catch {
      // Not answering for a moment is no verdict; the deadline is.
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(`Prometheus held only ${held} s of the hit ratio, not ${seconds} s, within ${Math.round(seconds + 90)} s`);
}

// The AppHost tells Aspire that nothing here uses HTTPS (WithoutHttpsCertificate on every project),
// so the dashboard has no "No trusted development certificate" notice to show: the pictures must not
// have one, and a project added without it brings the notice back and fails this check.
async function expectNoCertificateNotice(page) {
  const notice = await page.evaluate(() => document.body.innerText.includes('development certificate'));
  if (notice) {
    const file = path.join(outFolder, `failed-${Date.now()}.png`);
    await page.screenshot({ path: file }).catch(() => {});
    throw new Error(`the dashboard shows a development-certificate notice on ${page.url()} (page as it was: ${file}); every project in the AppHost must be WithoutHttpsCertificate`);
  }
}

// Polls fn in the page until it returns something other than null; names what it waited for on timeout.
async function waitFor(page, what, fn, ...args) {
  const deadline = Date.now() + PAGE_TIMEOUT;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const value = await page.evaluate(fn, ...args);
      if (value !== null) {
        return value;
      }
      // The dashboard (Blazor Server) sometimes loses its circuit to an error of its own while the page
      // renders ("An unhandled error has occurred. Reload"); a person would reload, and so does this.
      if (await page.evaluate(() => { const bar = document.getElementById('blazor-error-ui'); return !!bar && getComputedStyle(bar).display !== 'none'; })) {
        console.log(`screenshots: the dashboard showed "An unhandled error has occurred" on ${page.url()}; reloading`);
        await page.reload({ waitUntil: 'domcontentloaded' });
      }
    } catch (error) {
      lastError = error.message; // A navigation under way destroys the context: ask again.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const file = path.join(outFolder, `failed-${Date.now()}.png`);
  await page.screenshot({ path: file }).catch(() => {});
  throw new Error(`${what}: not within ${PAGE_TIMEOUT / 1000} s on ${page.url()} (last error: ${lastError}; page as it was: ${file})`);
}

async function shoot(page, name, screenshotOptions = {}) {
  // Blazor re-renders a moment after the data arrives; wait for the page to be idle, not a fixed time.
  await page.waitForNetworkIdle({ idleTime: 500, timeout: 10_000 }).catch(() => {});
  const file = path.join(outFolder, name);
  await page.screenshot({ path: file, ...screenshotOptions });
  console.log(`screenshots: ${file} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function parseArguments(argv) {
  const result = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      throw new Error(`usage: screenshots.mjs --login URL --prometheus URL --nodes a,b --expr PROMQL --trace TRACEID --out DIR [--range 90s] [--history 60] [--profile DIR] [--chromium PATH] (at '${argv[i]}')`);
    }
    result[argv[i].slice(2)] = argv[i + 1];
  }
  for (const required of ['login', 'prometheus', 'nodes', 'expr', 'trace', 'out']) {
    if (!result[required]) {
      throw new Error(`screenshots.mjs: --${required} is required`);
    }
  }
  return result;
}
