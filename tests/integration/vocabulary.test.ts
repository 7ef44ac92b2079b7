/**
 * Words staff teach the classifier: a file classified by hand proposes the word its name holds; staff accept it on
 * the 词表建议 page (audited) and the round's next file with that word is decided by it; a rejected word is not
 * proposed again; a bureau cannot reach the page. Files classified by hand teach the tie-breaker too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../shared/http/app.ts';
import { fixedClock } from '../../shared/use-cases/context.ts';
import { ingestMessage } from '../../shared/use-cases/intake.ts';
import { classifyDocumentByHand } from '../../shared/use-cases/staff-actions.ts';
import { listVocabularyWords } from '../../shared/use-cases/vocabulary-words.ts';
import { buildEmail } from '../fixtures/email.ts';
import { buildMinimalPdf } from '../fixtures/self-assessment-pdf.ts';
import { startTestStack } from './helpers.ts';
import { PASSWORDS, TEST_ACCOUNTS, TEST_NOW, TEST_SECRET } from './http-seed.ts';

const STAFF = { actor: 'admin', reason: '人工核实' };

describe('vocabulary words proposed from classifications by hand', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let app: ReturnType<typeof createHttpApp>;
  const login = async (name: string, password: string) =>
    (await app.request('/login', { method: 'POST', body: new URLSearchParams({ name, password, next: '/' }) })).headers
      .get('set-cookie')
      ?.split(';')[0] ?? '';

  async function send(subject: string, fileName: string, at: string) {
    const sent = await ingestMessage(stack.ctx, {
      channel: 'cli',
      raw: await buildEmail({
        subject,
        receivedAt: new Date(at),
        attachments: [{ filename: fileName, content: await buildMinimalPdf(`${subject}\n${fileName}`) }],
      }),
    });
    const [doc] = await stack.ctx.records.documents.listBySubmission(sent.submissionId);
    return doc!;
  }

  beforeAll(async () => {
    stack = await startTestStack(fixedClock(TEST_NOW));
    app = createHttpApp(stack.ctx, { secret: TEST_SECRET, accounts: TEST_ACCOUNTS });
  });
  afterAll(async () => {
    await stack.dispose();
  });

  it('proposes the unknown word, and after staff accept it the next file with it is decided', async () => {
    // Prepare: 晋享云集 is a local promotion the vocabulary does not know.
    const first = await send('邮拓直播电商基地 补充材料', '晋享云集.jpg', '2023-11-06T02:00:00Z');
    expect(first.classification?.decision).toBe('asked');

    // Act: classified by hand, then accepted on the page.
    await classifyDocumentByHand(stack.ctx, {
      documentId: first.id,
      kind: 'evidence',
      indicators: ['promotions'],
      ...STAFF,
    });
    const proposed = await listVocabularyWords(stack.ctx);
    const staff = await login('admin', PASSWORDS.admin);
    const listing = await (await app.request('/ui/vocabulary', { headers: { cookie: staff } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(listing)?.[1] ?? '';
    const accepted = await app.request('/ui/vocabulary', {
      method: 'POST',
      headers: { cookie: staff },
      body: new URLSearchParams({ indicator: 'promotions', word: '晋享云集', accept: 'true', csrf }),
    });
    const second = await send('平顺网红直播基地 补充材料', '2023晋享云集第二期.pdf', '2023-11-07T02:00:00Z');

    // Assess
    expect(proposed).toMatchObject([
      { word: '晋享云集', indicator: 'promotions', state: 'proposed', from: { fileName: '晋享云集.jpg' } },
    ]);
    expect(listing).toContain('晋享云集');
    expect(listing).toContain('专题促销');
    expect(accepted.status).toBe(303);
    expect((await listVocabularyWords(stack.ctx))[0]).toMatchObject({ state: 'accepted', decidedBy: 'admin' });
    expect(second.classification).toMatchObject({ decision: 'decided' });
    expect(second.indicators).toEqual(['promotions']);
    const audit = await stack.ctx.records.audit.list(null);
    expect(audit.find((a) => a.action === 'accept-vocabulary-word')?.details).toMatchObject({ word: '晋享云集' });
  });

  it('does not propose a rejected word again, nor one for a table of several indicators', async () => {
    // Prepare
    const doc = await send('邮拓直播电商基地 补充材料二', '快手磁力引擎合作.pdf', '2023-11-06T03:00:00Z');
    const staff = await login('admin', PASSWORDS.admin);
    await classifyDocumentByHand(stack.ctx, {
      documentId: doc.id,
      kind: 'evidence',
      indicators: ['tech-innovation'],
      ...STAFF,
    });
    const page = await (await app.request('/ui/vocabulary', { headers: { cookie: staff } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    await app.request('/ui/vocabulary', {
      method: 'POST',
      headers: { cookie: staff },
      body: new URLSearchParams({ indicator: 'tech-innovation', word: '快手磁力引擎合作', accept: 'false', csrf }),
    });
    const roster = await send('邮拓直播电商基地 补充材料三', '晋享家园同事录.xlsx', '2023-11-06T04:00:00Z');

    // Act
    await classifyDocumentByHand(stack.ctx, {
      documentId: doc.id,
      kind: 'evidence',
      indicators: ['tech-innovation'],
      ...STAFF,
    });
    await classifyDocumentByHand(stack.ctx, {
      documentId: roster.id,
      kind: 'evidence',
      indicators: ['employees', 'party-members'],
      ...STAFF,
    });

    // Assess
    const words = await listVocabularyWords(stack.ctx);
    expect(words.filter((w) => w.word === '快手磁力引擎合作').map((w) => w.state)).toEqual(['rejected']);
    expect(words.map((w) => w.word)).not.toContain('晋享家园同事录');
  });

  it('learns from files classified by hand: after three alike, the fourth is decided, saying which it is like', async () => {
    // Prepare: 商家主播 leaves the merchants and the anchors close; staff settle three such files as the merchant list.
    const names = ['商家主播.pdf', '商家主播（一）.pdf', '商家主播补充.pdf'];
    const settled = [];
    for (const [i, name] of names.entries()) {
      const doc = await send(`邮拓直播电商基地 补充材料${i + 4}`, name, `2023-11-06T0${5 + i}:00:00Z`);
      settled.push(doc.classification?.decision);
      await classifyDocumentByHand(stack.ctx, {
        documentId: doc.id,
        kind: 'evidence',
        indicators: ['merchants-products'],
        ...STAFF,
      });
    }

    // Act
    const next = await send('邮拓直播电商基地 补充材料七', '商家主播（第二批）.pdf', '2023-11-06T09:00:00Z');

    // Assess
    expect(settled).toEqual(['asked', 'asked', 'asked']);
    expect(next.classification?.decision).toBe('decided');
    expect(next.indicators).toEqual(['merchants-products']);
    expect(next.classification?.reasons.at(-1)).toMatch(/^用词与已归类的“商家主播.*”最接近$/);
    const examples = await stack.ctx.records.examples.list('2023');
    expect(examples.map((e) => [e.name, e.indicators, e.settledBy])).toEqual(
      expect.arrayContaining(names.map((name) => [name, ['merchants-products'], 'admin'])),
    );
  });

  it('keeps the page to staff', async () => {
    // Prepare
    const bureau = await login('cz', PASSWORDS.cz);

    // Act
    const response = await app.request('/ui/vocabulary', { headers: { cookie: bureau } });

    // Assess
    expect(response.status).toBe(403);
  });
});
