// The operator console in a real headless Chromium, driven like a person would: by visible text
// and roles. Every view is saved as a screenshot under test/browser/screenshots/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expectEventually } from '../support/eventually';
import { startHttpPeer, type HttpPeer } from '../support/http-peer';
import { useService } from '../support/service-fixture';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, 'screenshots');
const MARKUP = '<script>window.__owned = 1</script><img src="x" onerror="window.__owned = 2">';

describe('operator console in Chromium (SPEC §10)', () => {
  const service = useService({ TXMSG_CHECKBACK_POLL_MS: '100' });
  let browser: Browser;
  let page: Page;
  let checkback: HttpPeer;
  let consumer: HttpPeer;
  let flaky: HttpPeer;
  let operatorToken: string;
  const dialogs: string[] = [];
  const cspViolations: string[] = [];
  const stuck: { id: string; messageId: string }[] = [];
  let markupMessageId: string;

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const open = async (hash: string) => {
    await page.goto(`${service.app.url}/admin${hash}`);
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    checkback = await startHttpPeer(() => ({ status: 500, body: 'database is down' }));
    consumer = await startHttpPeer(() => ({ status: 200 }));
    flaky = await startHttpPeer(() => ({ status: 503, body: 'not now' }));
    const http = service.http;
    expect((await http.put('/v1/topics/orders')).status).toBe(201);
    expect(
      (
        await http.put('/v1/producer-groups/orders-svc', {
          checkbackUrl: `${checkback.url}/check`,
          checkImmunitySeconds: 0,
          checkIntervalSeconds: 1,
          maxCheckIntervalSeconds: 1,
          maxChecks: 1,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await http.put('/v1/consumer-groups/shipping', {
          topic: 'orders',
          delivery: { type: 'push', url: `${consumer.url}/push` },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await http.put('/v1/consumer-groups/billing', {
          topic: 'orders',
          delivery: { type: 'push', url: `${flaky.url}/push` },
          maxRetries: 0,
        })
      ).status,
    ).toBe(201);
    for (let i = 0; i < 3; i++) {
      const prepared = await http.post('/v1/transactions', {
        producerGroup: 'orders-svc',
        messages: [{ topic: 'orders', key: `order-${i}`, tag: 'created', body: { order: i } }],
      });
      stuck.push({ id: prepared.body.id, messageId: prepared.body.messageIds[0] });
    }
    await expectEventually(async () => {
      const list = await http.get('/v1/admin/transactions?state=STUCK');
      expect(list.body.items).toHaveLength(3);
    }, 15_000);
    const sent = await http.post('/v1/topics/orders/messages', {
      key: 'markup',
      tag: 'xss',
      body: { note: MARKUP },
      headers: { 'x-note': MARKUP },
    });
    markupMessageId = sent.body.id;
    await expectEventually(async () => {
      const dead = await http.get('/v1/consumer-groups/billing/dead-letters');
      expect(dead.body.items.map((d: any) => d.message.id)).toContain(markupMessageId);
    }, 15_000);
    const key = await http.post('/v1/admin/api-keys', { name: 'on-call', role: 'operator' });
    operatorToken = key.body.token;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([checkback?.close(), consumer?.close(), flaky?.close()]);
  });

  it('refuses a wrong token and stays on the sign-in', async () => {
    await open('');
    await page.getByLabel('Token').fill('txm_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This token is not valid').waitFor();
    expect(await page.getByRole('navigation', { name: 'Views' }).count()).toBe(0);
    await shot('sign-in');
  });

  it('signs in with an operator token and shows the headline figures', async () => {
    await page.getByLabel('Token').fill(operatorToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const figures = page.getByLabel('Headline figures');
    await figures.getByText('Stuck transactions').waitFor();
    await expectEventually(async () =>
      expect(await figures.getByText('Stuck transactions').locator('..').innerText()).toMatch(/^3\b/),
    );
    expect(await page.evaluate("sessionStorage.getItem('txmsg.console.token')")).toBe(operatorToken);
    await page.getByText('per minute, last hour').first().waitFor();
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(2);
    await shot('overview');
  });

  it('lists the stuck transactions with their last error and opens a check history', async () => {
    await page.getByRole('link', { name: 'Transactions' }).click();
    const summary = page.locator('section', { hasText: 'Stuck summary' });
    await summary.getByText('HTTP 500').waitFor();
    expect(await summary.locator('tbody tr').first().innerText()).toMatch(
      /orders-svc\s+STUCK\s+HTTP 500\s+3/,
    );
    const row = page.locator('tbody tr', { hasText: stuck[0].id.slice(-12) });
    await row.getByText('HTTP 500').waitFor();
    await row.getByRole('button', { name: stuck[0].id.slice(-12) }).click();
    const history = page.locator('.panel-inner');
    await history.getByText('Check history').waitFor();
    await history.locator('table.compact tbody tr').first().waitFor();
    expect(await history.locator('table.compact tbody tr').first().innerText()).toMatch(/1\s+.*ERROR\s+500/);
    await history.getByText(stuck[0].messageId).waitFor();
    await shot('transactions');
  });

  it('bulk-commits two selected transactions after a confirmation, and the consumer receives them', async () => {
    for (const { id } of stuck.slice(0, 2)) await page.getByLabel(`Select ${id}`).check();
    await page.getByRole('button', { name: 'Commit selected' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Commit 2 transactions?').waitFor();
    expect(await dialog.innerText()).toContain('selected transactions');
    await shot('transactions-confirm');
    await dialog.getByRole('button', { name: 'Commit 2' }).click();
    await page.getByText('Committed 2 of 2 transactions').waitFor();
    await expectEventually(async () => {
      const pushed = consumer.received.map((request) => request.body?.id);
      expect(pushed).toEqual(expect.arrayContaining(stuck.slice(0, 2).map((s) => s.messageId)));
      expect(pushed).not.toContain(stuck[2].messageId);
    }, 15_000);
    const committed = await service.http.get(`/v1/transactions/${stuck[0].id}`);
    expect(committed.body).toMatchObject({ state: 'COMMITTED', resolvedBy: 'operator:on-call' });
    await page.locator('tbody tr', { hasText: stuck[2].id.slice(-12) }).waitFor();
    expect(await page.locator('tbody tr', { hasText: stuck[0].id.slice(-12) }).count()).toBe(0);
    await shot('transactions-after-commit');
  });

  it('shows producer groups with their check-back health', async () => {
    await page.getByRole('link', { name: 'Producer groups' }).click();
    const section = page.locator('section', { hasText: 'check-back health (24 h)' });
    const row = section.locator('tbody tr', { hasText: 'orders-svc' });
    await row.getByText('HTTP 500').waitFor();
    expect(await row.innerText()).toContain(`${checkback.url}/check`);
    await shot('producer-groups');
  });

  it("shows a topic's schema versions with the current one marked, schemas as text", async () => {
    const http = service.http;
    expect((await http.put('/v1/topics/payments', { description: 'captured payments' })).status).toBe(201);
    const v1 = {
      type: 'object',
      description: MARKUP,
      properties: { paymentId: { type: 'string' }, amount: { type: 'integer', minimum: 0 } },
      required: ['paymentId', 'amount'],
    };
    const v2 = { ...v1, properties: { ...v1.properties, currency: { enum: ['EUR', 'USD'] } } };
    const refund = { type: 'object', required: ['paymentId'] };
    expect((await http.put('/v1/topics/payments/schemas/1', { schema: v1 })).status).toBe(201);
    expect((await http.put('/v1/topics/payments/schemas/2', { schema: v2 })).status).toBe(201);
    expect((await http.put('/v1/topics/payments/schemas/2', { schema: refund, tag: 'refund' })).status).toBe(
      201,
    );
    // A PUT replaces the description (absent: empty) and keeps the schema setting when it names none.
    const described = { description: 'captured payments', durability: 'async' };
    expect((await http.put('/v1/topics/payments', { ...described, schema: { version: 1 } })).status).toBe(
      200,
    );
    expect(
      (
        await http.put('/v1/topics/payments', {
          ...described,
          schema: { version: 2, compatibility: 'backward' },
        })
      ).status,
    ).toBe(200);

    await page.getByRole('link', { name: 'Topics' }).click();
    const row = page.locator('tbody tr', { hasText: 'payments' });
    await row.getByText('version 2').waitFor();
    expect(await row.innerText()).toMatch(/captured payments\s+version 2 · backward\s+async/);
    expect(await page.locator('tbody tr', { hasText: 'orders' }).innerText()).toMatch(
      /none: any body\s+sync/,
    );
    await shot('topics');
    await row.getByRole('link', { name: 'payments' }).click();
    await page.getByText('acknowledged before the WAL is on disk', { exact: false }).waitFor();
    const versions = page.locator('section', { hasText: 'Schema versions (3)' });
    await versions.waitFor();
    const rows = versions.locator('tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-version')))).toEqual([
      '2',
      '2',
      '1',
    ]);
    expect(await rows.nth(0).innerText()).toMatch(/^2\s+every tag\s+current/);
    expect(await rows.nth(1).innerText()).toMatch(/^2\s+refund\s+current/);
    expect(await rows.nth(2).innerText()).toMatch(/^1\s+every tag\s+stored/);
    expect(await rows.nth(0).locator('pre').innerText()).toContain('"currency"');
    await rows.nth(2).locator('pre', { hasText: '<script>window.__owned = 1</script>' }).waitFor();
    expect(await page.evaluate('window.__owned')).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await shot('topic-schemas');
  });

  it('redrives a dead letter, shown with its last error and attempt log, to a recovered consumer', async () => {
    await page.getByRole('link', { name: 'Consumer groups' }).click();
    await page.getByRole('link', { name: 'billing' }).click();
    const row = page.locator('tbody tr', { hasText: markupMessageId.slice(-12) });
    await row.getByText('HTTP 503').waitFor();
    await row.getByRole('button', { name: markupMessageId.slice(-12) }).click();
    await page.getByText('Attempt log').waitFor();
    await page.locator('.detail-row').getByText('not now').waitFor();
    await shot('consumer-group');
    flaky.setHandler(() => ({ status: 200 }));
    await page.getByLabel(`Select dead letter ${markupMessageId}`).check();
    await page.getByRole('button', { name: 'Redrive selected (1)' }).click();
    await page.getByRole('dialog').getByText('Redrive 1 dead letter?').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Redrive 1' }).click();
    await page.getByText('Redriven: 1 dead letter of billing').waitFor();
    await expectEventually(async () => {
      expect(
        flaky.received.filter((r) => r.body?.id === markupMessageId && r.body?.attempt === 1).length,
      ).toBeGreaterThanOrEqual(2);
      const message = await service.http.get(`/v1/messages/${markupMessageId}`);
      expect(message.body.deliveries.find((d: any) => d.consumerGroup === 'billing').state).toBe('acked');
    }, 15_000);
    // Only the selected one left; the two committed orders are still dead letters of billing.
    await page.locator('tbody tr', { hasText: markupMessageId.slice(-12) }).waitFor({ state: 'detached' });
    for (const { messageId } of stuck.slice(0, 2)) {
      await page.locator('tbody tr', { hasText: messageId.slice(-12) }).waitFor();
    }
  });

  it("shows a push endpoint's open circuit, then closed; pauses and resumes a group after a confirmation", async () => {
    const outage = await startHttpPeer(() => ({ status: 503, body: 'maintenance window' }));
    try {
      const http = service.http;
      expect((await http.put('/v1/topics/alerts')).status).toBe(201);
      expect(
        (
          await http.put('/v1/consumer-groups/pager', {
            topic: 'alerts',
            delivery: {
              type: 'push',
              url: `${outage.url}/hook`,
              maxConcurrency: 1,
              circuitBreaker: { failures: 2, probeSeconds: 1 },
            },
          })
        ).status,
      ).toBe(201);
      for (let i = 0; i < 3; i++) await http.post('/v1/topics/alerts/messages', { body: { alert: i } });
      await page.getByRole('link', { name: 'Consumer groups', exact: true }).click();
      await page.getByRole('link', { name: 'pager' }).click();
      const endpoints = page.getByRole('table', { name: 'Push endpoints' });
      const row = endpoints.locator('tbody tr', { hasText: `${outage.url}/hook` });
      await row.getByText(/^(open|half_open)$/).waitFor({ timeout: 15_000 });
      await row.getByText('maintenance window').waitFor();
      await shot('consumer-group-circuit-open');

      outage.setHandler(() => ({ status: 200 }));
      await row.getByText('closed', { exact: true }).waitFor({ timeout: 15_000 });
      // A closed circuit's last error is history, not an alarm.
      await row.getByText('before it closed: HTTP 503: maintenance window').waitFor();
      expect(await row.locator('.bad-text').count()).toBe(0);
      await shot('consumer-group-circuit-closed');
      await expectEventually(async () => {
        expect(new Set(outage.received.filter((r) => r.body?.id).map((r) => r.body.id)).size).toBe(3);
      }, 15_000);

      await page.getByRole('button', { name: 'Pause delivery' }).click();
      await page.getByRole('dialog').getByText('Pause pager?').waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Pause delivery' }).click();
      await page.getByText('pager is paused.').waitFor();
      await page.getByText('by operator:on-call').waitFor();
      await shot('consumer-group-paused');
      await http.post('/v1/topics/alerts/messages', { body: { alert: 'while paused' } });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(outage.received.some((r) => r.body?.body?.alert === 'while paused')).toBe(false);
      await page.getByRole('button', { name: 'Resume delivery' }).click();
      await page.getByRole('dialog').getByText('Resume pager?').waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Resume delivery' }).click();
      await page.getByText('pager is delivering again.').waitFor();
      await expectEventually(async () => {
        expect(outage.received.some((r) => r.body?.body?.alert === 'while paused')).toBe(true);
      }, 15_000);
    } finally {
      await outage.close();
    }
  });

  it('finds a message by key and shows its trace as a timeline, markup as text that never runs', async () => {
    await page.getByRole('link', { name: 'Messages' }).click();
    await page.getByLabel('Key').fill('markup');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: markupMessageId }).click();
    const trace = page.getByRole('list', { name: 'Trace' });
    await trace.getByText('committed').first().waitFor();
    await trace.getByText('redriven').waitFor();
    await trace.locator('li', { hasText: 'acked' }).first().waitFor();
    await page.locator('pre', { hasText: '<script>window.__owned = 1</script>' }).first().waitFor();
    expect(await page.evaluate('window.__owned')).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    // The message's topic and what its durability promises.
    expect(await page.locator('dd', { hasText: 'orders' }).first().innerText()).toMatch(/orders\s+sync/);
    expect(dialogs).toEqual([]);
    await shot('message');
  });

  it('lists the operator actions in the audit log', async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByText('transactions.bulk').waitFor();
    await page.getByText('dead-letters.redrive').waitFor();
    await page.getByText('consumer-group.pause').waitFor();
    await page.getByText('consumer-group.resume').waitFor();
    expect(await page.locator('tbody tr', { hasText: 'transactions.bulk' }).innerText()).toMatch(
      /operator:on-call.*commit transactions: 2 ids\s+2\s+ok/s,
    );
    await shot('audit');
  });

  it('serves the page with a Content-Security-Policy and breaks none of it', async () => {
    const response = await page.goto(`${service.app.url}/admin`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('Headline figures').waitFor();
    expect(cspViolations).toEqual([]);
  });

  it('returns to the sign-in when the service stops accepting the token', async () => {
    await page.evaluate("sessionStorage.setItem('txmsg.console.token', 'txm_revoked')");
    await page.getByRole('link', { name: 'Transactions' }).click();
    await page.getByText('The service no longer accepts this token').waitFor();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('txmsg.console.token')")).toBeNull();
  });
});
