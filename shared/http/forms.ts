/**
 * What the dashboard's forms post to: sign-in and sign-out, opening a city link, downloads, and the staff actions.
 * The actions call the same use cases and the same zod schemas as the JSON API; each form carries the session's
 * CSRF token and a reason, and answers with a redirect and a one-off message.
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { issueCityLink, readCityLink } from '../access/city-links.ts';
import { chineseDate, chineseTime } from '../domain/chinese-time.ts';
import { UnknownBaseError } from '../use-cases/evaluate.ts';
import { recommendExcludedBase } from '../use-cases/excluded.ts';
import { cityOfBase, findDocument } from '../use-cases/read-model.ts';
import { listRegistry } from '../use-cases/registry.ts';
import * as staff from '../use-cases/staff-actions.ts';
import {
  AccessError,
  endSession,
  type HttpEnv,
  type Principal,
  requireStaff,
  requireUser,
  SESSION_HOURS,
  startSession,
} from './auth.ts';
import { csrfToken, type HttpDeps, safeNext } from './deps.ts';
import { fileLink } from './files.ts';
import { setFlash } from './flash.ts';
import { cityName, page } from './html.ts';
import { cognitoLogoutUrl } from './oidc.ts';
import { refererPath } from './request-guards.ts';
import {
  AssignBody,
  CityLetterBody,
  CityLinkBody,
  ClassifyBody,
  FindingBody,
  NotApplicableBody,
  PaperCopiesBody,
  ReasonBody,
  RegisterBaseBody,
  SenderBody,
  WithdrawBody,
} from './schemas.ts';
import { signIn } from './sign-in.ts';

type Ctx = Context<HttpEnv>;
type Fields = Record<string, string>;

export { safeNext };

/** Registers sign-in, sign-out, city links, downloads and the staff forms. */
export function registerForms(app: Hono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;
  const round = ctx.round;

  // -- sign-in ------------------------------------------------------------------------------------------------

  // With the Cognito hosted UI configured (AWS), staff sign in there; the password form stays for local accounts.
  const hostedLogin = (next: string) =>
    html`<form class="login" method="get" action="/auth/login">
<h1>登录</h1>
<p class="muted small">${round.title}：电子材料报送（接收）情况</p>
<input type="hidden" name="next" value="${next}">
<button class="act" type="submit">使用统一身份认证登录</button>
<p class="small muted">省厅及各市商务局工作人员使用 Cognito 账号（需动态口令）登录；地市也可使用省厅发送的专用链接。</p>
</form>`;

  const loginPage = (c: Ctx, next: string, error?: string, status: 200 | 401 | 429 | 503 = 200) =>
    c.html(
      page(
        { round, title: '登录', principal: null },
        html`${
          deps.oidc && deps.accounts.length === 0 && !error
            ? hostedLogin(next)
            : html`${deps.oidc ? hostedLogin(next) : ''}<form class="login" method="post" action="/login">
<h1>登录</h1>
<p class="muted small">${round.title}：电子材料报送（接收）情况</p>
${error ? html`<div class="flash error" role="alert">${error}</div>` : ''}
<input type="hidden" name="next" value="${next}">
<label for="name">用户名</label><input id="name" name="name" autocomplete="username" required autofocus>
<label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="act" type="submit">登录</button>
${deps.accounts.length === 0 ? html`<p class="small muted">本服务未配置本地账号（AWS 中通过 Cognito 登录；地市可使用省厅发送的专用链接）。</p>` : ''}
</form>`
        }
<p class="small" style="text-align:center" id="upload-link"><a href="/upload">基地提交材料请点此上传</a></p>`,
      ),
      status,
    );

  app.get('/login', (c) => loginPage(c, safeNext(c.req.query('next'))));

  app.post('/login', async (c) => {
    const form = await fieldsOf(c);
    const next = safeNext(form.next);
    const attempt = await signIn(deps, c, form.name ?? '', form.password ?? '');
    if (!attempt.ok) {
      if (attempt.retryAfterSeconds) c.header('Retry-After', String(attempt.retryAfterSeconds));
      return loginPage(c, next, attempt.message, attempt.status);
    }
    const account = attempt.account;
    await startSession(
      c,
      deps.sessions,
      { name: account.name, role: account.role, city: account.city, via: 'password' },
      deps.wallClock(),
    );
    return c.redirect(account.role === 'bureau' && next === '/' ? `/cities/${account.city}` : next, 303);
  });

  app.post('/logout', async (c) => {
    const form = await fieldsOf(c);
    if (c.get('principal') && form.csrf !== csrfToken(c, deps)) throw new AccessError(403, '页面已过期，请刷新后重试');
    await endSession(c, deps.sessions, deps.wallClock());
    // A hosted-UI session is ended there too, or the next sign-in would pass without a password.
    const principal = c.get('principal');
    return c.redirect(
      deps.oidc && principal?.via === 'cognito' ? cognitoLogoutUrl(deps.oidc, c.req.url) : '/login',
      303,
    );
  });

  app.get('/l/:token', async (c) => {
    const link = readCityLink(deps, c.req.param('token'));
    if (!link) {
      return c.html(
        page(
          { round, title: '链接无效', principal: null },
          html`<h1>链接无效或已过期</h1><p>请联系省商务厅电商处重新获取。</p>`,
        ),
        404,
      );
    }
    const now = deps.wallClock();
    const sessionEnd = new Date(Math.min(link.expiresAt.getTime(), now.getTime() + SESSION_HOURS * 3_600_000));
    const principal: Principal = {
      name: `${cityName(round, link.city)}商务局（专用链接）`,
      role: 'bureau',
      city: link.city,
      via: 'city-link',
    };
    await startSession(c, deps.sessions, principal, now, sessionEnd);
    return c.redirect(`/cities/${link.city}`, 303);
  });

  // -- downloads: check access here, then hand over a short-lived signed link ----------------------------------

  app.get('/download/:submissionId/:sha256', async (c) => {
    const principal = requireUser(c);
    const document = await findDocument(ctx, `${c.req.param('submissionId')}/${c.req.param('sha256')}`);
    if (!document) return c.text('没有该文件', 404);
    if (principal.role !== 'staff' && principal.city !== (await cityOfBase(ctx, document.baseId))) {
      throw new AccessError(403, '无权查看其他地市的数据');
    }
    return c.redirect(fileLink(deps, document, c.req.url).url, 303);
  });

  // -- staff actions ------------------------------------------------------------------------------------------

  /** Runs a staff form: CSRF check, validation, the action, then a redirect with a message. */
  const staffForm = <S extends z.ZodType>(
    path: string,
    schema: S,
    toInput: (fields: Fields) => unknown,
    run: (input: z.infer<S>, who: Principal, c: Ctx) => Promise<{ message: string; to?: string }>,
  ) => {
    app.post(path, async (c) => {
      const who = requireStaff(c);
      const fields = await fieldsOf(c);
      if (who.via !== 'jwt' && fields.csrf !== csrfToken(c, deps)) {
        throw new AccessError(403, '页面已过期，请刷新后重试');
      }
      const back = safeNext(refererPath(c));
      const parsed = schema.safeParse(toInput(fields));
      if (!parsed.success) {
        setFlash(c, 'error', `未完成：${parsed.error.issues.map((i) => i.message).join('；')}`);
        return c.redirect(back, 303);
      }
      try {
        const { message, to } = await run(parsed.data, who, c);
        setFlash(c, 'ok', message);
        return c.redirect(to ?? back, 303);
      } catch (error) {
        if (error instanceof AccessError) throw error;
        if (
          error instanceof staff.StaffActionError ||
          error instanceof staff.UnknownSubmissionError ||
          error instanceof UnknownBaseError ||
          error instanceof z.ZodError
        ) {
          setFlash(c, 'error', `未完成：${error.message}`);
          return c.redirect(back, 303);
        }
        throw error;
      }
    });
  };
  const bool = (value: string | undefined) => (value === undefined || value === '' ? undefined : value === 'true');
  const int = (value: string | undefined) => (value === undefined || value === '' ? undefined : Number(value));
  const text = (value: string | undefined) => (value ? value : undefined);
  const basePath = (baseId: string) => `/bases/${encodeURIComponent(baseId)}`;

  staffForm(
    '/ui/assign',
    AssignBody.extend({ submissionId: z.string().min(1) }),
    (f) => ({
      submissionId: f.submissionId,
      baseId: f.baseId ?? '',
      reason: f.reason ?? '',
      rememberSender: f.rememberSender === 'true',
    }),
    async (input, who) => {
      const submission = await staff.assignSubmission(ctx, { ...input, actor: who.name });
      return { message: `已将邮件分配给${await baseName(submission.baseId)}`, to: basePath(submission.baseId!) };
    },
  );

  staffForm(
    '/ui/register-base',
    RegisterBaseBody.extend({ submissionId: z.string().optional() }),
    (f) => ({ name: f.name ?? '', city: f.city ?? '', reason: f.reason ?? '', submissionId: text(f.submissionId) }),
    async ({ submissionId, ...input }, who) => {
      const base = await staff.registerBase(ctx, { ...input, actor: who.name });
      if (submissionId) {
        await staff.assignSubmission(ctx, { submissionId, baseId: base.id, actor: who.name, reason: input.reason });
      }
      return {
        message: `已登记 ${base.name}${submissionId ? '，并分配了该邮件' : ''}`,
        to: basePath(base.id),
      };
    },
  );

  staffForm(
    '/ui/recommend',
    ReasonBody.extend({ submissionId: z.string().min(1) }),
    (f) => ({ submissionId: f.submissionId, reason: f.reason ?? '' }),
    async (input, who) => {
      const done = await recommendExcludedBase(ctx, { ...input, actor: who.name });
      return {
        message: `已将“${done.base.name}”登记为本轮新推荐基地，${done.submissions.length}次来件及其文件已转入`,
        to: basePath(done.base.id),
      };
    },
  );

  staffForm(
    '/ui/reprocess',
    ReasonBody.extend({ submissionId: z.string().min(1) }),
    (f) => ({ submissionId: f.submissionId, reason: f.reason ?? '' }),
    async (input, who) => {
      const result = await staff.requestReprocess(ctx, { ...input, actor: who.name });
      if ('queued' in result)
        return { message: '已交给收取程序重新读取（先经病毒扫描），约两三分钟后刷新本页查看结果' };
      return { message: `已重新读取，${result.findings.length} 条提示` };
    },
  );

  staffForm(
    '/ui/classify',
    ClassifyBody.extend({ documentId: z.string().min(1) }),
    (f) => ({ documentId: f.documentId, kind: f.kind, indicator: text(f.indicator), reason: f.reason ?? '' }),
    async (input, who) => {
      await staff.classifyDocumentByHand(ctx, { ...input, actor: who.name });
      return { message: '已改分类' };
    },
  );

  staffForm(
    '/ui/withdraw',
    WithdrawBody.extend({ documentId: z.string().min(1) }),
    (f) => ({ documentId: f.documentId, active: bool(f.active), reason: f.reason ?? '' }),
    async (input, who) => {
      await staff.withdrawDocument(ctx, { ...input, actor: who.name });
      return { message: input.active === false ? '已恢复文件' : '已撤回文件' };
    },
  );

  for (const [path, run, done] of [
    ['/ui/waive', staff.waiveFinding, '已豁免该提示'],
    ['/ui/reopen', staff.reopenFinding, '已撤销豁免'],
  ] as const) {
    staffForm(
      path,
      FindingBody.extend({ baseId: z.string().min(1) }),
      (f) => ({
        baseId: f.baseId,
        code: f.code,
        item: int(f.item),
        indicator: text(f.indicator),
        document: text(f.document),
        reason: f.reason ?? '',
      }),
      async (input, who) => {
        await run(ctx, { ...input, actor: who.name });
        return { message: done };
      },
    );
  }

  staffForm(
    '/ui/not-applicable',
    NotApplicableBody.extend({ baseId: z.string().min(1) }),
    (f) => ({ baseId: f.baseId, indicator: f.indicator, active: bool(f.active), reason: f.reason ?? '' }),
    async (input, who) => {
      await staff.markNotApplicable(ctx, { ...input, actor: who.name });
      return { message: input.active === false ? '已撤销“不适用”' : '已标记为不适用' };
    },
  );

  staffForm(
    '/ui/paper-copies',
    PaperCopiesBody.extend({ baseId: z.string().min(1) }),
    (f) => ({ baseId: f.baseId, copies: int(f.copies), receivedOn: text(f.receivedOn), reason: f.reason ?? '' }),
    async (input, who) => {
      await staff.recordPaperCopies(ctx, { ...input, actor: who.name });
      return {
        message: `已登记纸质材料${input.copies}份${input.receivedOn ? `（${chineseDate(input.receivedOn)}收到）` : ''}`,
      };
    },
  );

  staffForm(
    '/ui/confirm-sender',
    SenderBody,
    (f) => ({ address: f.address ?? '', baseId: f.baseId ?? '', reason: f.reason ?? '' }),
    async (input, who) => {
      const sender = await staff.confirmSender(ctx, { ...input, actor: who.name });
      return { message: `已确认 ${sender.address} 为本基地发件人` };
    },
  );

  staffForm(
    '/ui/city-letter',
    CityLetterBody.extend({ city: z.string().min(1) }),
    (f) => ({ city: f.city, received: bool(f.received), reason: f.reason ?? '' }),
    async (input, who) => {
      await staff.recordCityLetter(ctx, { ...input, actor: who.name });
      return { message: input.received === false ? '已撤销公函登记' : '已登记收到公函', to: `/cities/${input.city}` };
    },
  );

  staffForm(
    '/ui/city-link',
    CityLinkBody,
    (f) => ({ city: f.city, hours: int(f.hours), reason: f.reason ?? '' }),
    async (input, who, c) => {
      const link = await issueCityLink(deps, {
        city: input.city,
        hours: input.hours ?? deps.cityLinkHours,
        actor: who.name,
        reason: input.reason,
        origin: c.req.url,
      });
      return {
        message: `专用链接（${chineseTime(link.expiresAt, round, { year: true })}前有效，北京时间）：${link.url}`,
      };
    },
  );

  async function baseName(baseId: string | null): Promise<string> {
    return (await listRegistry(ctx)).find((b) => b.id === baseId)?.name ?? baseId ?? '';
  }
}

async function fieldsOf(c: Ctx): Promise<Fields> {
  const body = await c.req.parseBody();
  const out: Fields = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value.trim();
  return out;
}
