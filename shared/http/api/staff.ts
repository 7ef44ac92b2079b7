/**
 * The staff actions: staff only, the actor is the signed-in user, a reason is required, and each is audited by its
 * use case. Every action has the same shape, so one helper (staffAction) documents and registers each: path
 * parameters and a zod-checked JSON body in, the use case run with both and the actor, its result answered as JSON.
 */
import { createRoute, type OpenAPIHono, type RouteConfig, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { issueCityLink } from '../../access/city-links.ts';
import { recommendExcludedBase } from '../../use-cases/excluded.ts';
import * as staff from '../../use-cases/staff-actions.ts';
import { type HttpEnv, requireStaff } from '../auth.ts';
import type { HttpDeps } from '../deps.ts';
import {
  AssignBody,
  BaseSchema,
  BaseStatusSchema,
  CityLetterBody,
  CityLinkBody,
  CityRecordSchema,
  ClassifyBody,
  ErrorSchema,
  FindingBody,
  IngestResultSchema,
  LinkSchema,
  NotApplicableBody,
  PaperCopiesBody,
  ReasonBody,
  RecommendBody,
  RecommendedBaseSchema,
  RegisterBaseBody,
  ReprocessQueuedSchema,
  SenderBody,
  SenderSchema,
  SubmissionSchema,
  WithdrawBody,
} from '../schemas.ts';
import { BaseParam, CityParam, DocumentParam, json, jsonBody, refused, SubmissionParam, security } from './common.ts';

const post = {
  method: 'post' as const,
  tags: ['staff actions'],
  security,
  description: '仅省厅工作人员；操作人为当前登录用户，原因必填，记入操作记录。',
};
const done = <T extends z.ZodType>(schema: T) => json(schema, '完成');
const conflict = { ...refused, 409: json(ErrorSchema, '无法按要求操作（如名称重复、文件尚未分配基地）') };

type Fields<S> = S extends z.ZodObject ? z.infer<S> : Record<never, never>;

/** One staff action: its documentation, and the use case it runs. */
interface StaffAction<P extends z.ZodObject | undefined, B extends z.ZodObject, R> {
  path: string;
  summary: string;
  /** In place of the common description. */
  description?: string;
  params?: P;
  body: B;
  /** The answers besides the refusals (400–409), e.g. `{ 200: done(BaseStatusSchema) }`. */
  answers: RouteConfig['responses'];
  /** The use case, run with the path's parameters, the body's fields and the actor. */
  run: (input: Fields<P> & z.infer<B> & { actor: string }, c: Context<HttpEnv>) => Promise<R>;
  /** The answer's status (200 unless said). */
  status?: (result: R) => 200 | 201 | 202;
}

/** Documents and registers a staff action (see StaffAction). */
function staffAction<P extends z.ZodObject | undefined = undefined, B extends z.ZodObject = z.ZodObject, R = unknown>(
  app: OpenAPIHono<HttpEnv>,
  action: StaffAction<P, B, R>,
): void {
  const route = createRoute({
    ...post,
    path: action.path,
    summary: action.summary,
    ...(action.description ? { description: action.description } : {}),
    request: { ...(action.params ? { params: action.params } : {}), body: jsonBody(action.body) },
    responses: { ...action.answers, ...conflict },
  });
  app.openapi(route, async (c) => {
    const who = requireStaff(c);
    // The route is built from this action's own schemas, so what was validated has the input's type.
    const req = c.req as unknown as { valid(target: 'param' | 'json'): object };
    const input = { ...(action.params ? req.valid('param') : {}), ...req.valid('json'), actor: who.name };
    const result = await action.run(input as Fields<P> & z.infer<B> & { actor: string }, c);
    return c.json(result as object, action.status?.(result) ?? 200);
  });
}

/** The staff actions' routes (`POST /api/…`). */
export function registerStaffActions(app: OpenAPIHono<HttpEnv>, deps: HttpDeps): void {
  const { ctx } = deps;
  const documentId = (p: { submissionId: string; sha256: string }) => `${p.submissionId}/${p.sha256}`;

  staffAction(app, {
    path: '/api/submissions/{submissionId}/assign',
    summary: '将邮件分配给基地（并记住发件人）',
    params: SubmissionParam,
    body: AssignBody,
    answers: { 200: done(SubmissionSchema) },
    run: (input) => staff.assignSubmission(ctx, input),
  });

  staffAction(app, {
    path: '/api/submissions/{submissionId}/recommend',
    summary: '将名单外基地（如已取消称号）的来件转为本轮新推荐基地：登记新基地，其全部来件及文件随之转入',
    params: SubmissionParam,
    body: RecommendBody,
    answers: { 200: done(RecommendedBaseSchema) },
    run: ({ submissionId, reason, actor }) => recommendExcludedBase(ctx, { submissionId, reason, actor }),
  });

  staffAction(app, {
    path: '/api/submissions/{submissionId}/reprocess',
    summary: '用现有解析程序重新读取邮件',
    description: 'AWS 中交由收取程序在病毒扫描通过后重新读取（202），结果稍后见于该提交；本地当即读取（200）。',
    params: SubmissionParam,
    body: ReasonBody,
    answers: {
      200: done(IngestResultSchema),
      202: json(ReprocessQueuedSchema, '已交给收取程序，稍后读取'),
    },
    run: ({ submissionId, reason, actor }) => staff.requestReprocess(ctx, { submissionId, actor, reason }),
    status: (result) => ('queued' in result ? 202 : 200),
  });

  staffAction(app, {
    path: '/api/bases',
    summary: '登记本轮新推荐的基地',
    body: RegisterBaseBody,
    answers: { 201: done(BaseSchema) },
    run: (input) => staff.registerBase(ctx, input),
    status: () => 201,
  });

  staffAction(app, {
    path: '/api/documents/{submissionId}/{sha256}/classify',
    summary: '人工分类文件（类别、对应指标）',
    params: DocumentParam,
    body: ClassifyBody,
    answers: { 200: done(BaseStatusSchema) },
    run: ({ submissionId, sha256, ...rest }) =>
      staff.classifyDocumentByHand(ctx, { documentId: documentId({ submissionId, sha256 }), ...rest }),
  });

  staffAction(app, {
    path: '/api/documents/{submissionId}/{sha256}/withdraw',
    summary: '撤回文件（active=false 恢复）',
    params: DocumentParam,
    body: WithdrawBody,
    answers: { 200: done(BaseStatusSchema) },
    run: ({ submissionId, sha256, ...rest }) =>
      staff.withdrawDocument(ctx, { documentId: documentId({ submissionId, sha256 }), ...rest }),
  });

  for (const [verb, summary, run] of [
    ['waive', '豁免提示（已核实，不再计为待处理）', staff.waiveFinding],
    ['reopen', '撤销豁免，提示重新计为待处理', staff.reopenFinding],
  ] as const) {
    staffAction(app, {
      path: `/api/bases/{baseId}/findings/${verb}`,
      summary,
      params: BaseParam,
      body: FindingBody,
      answers: { 200: done(BaseStatusSchema) },
      run: (input) => run(ctx, input),
    });
  }

  staffAction(app, {
    path: '/api/bases/{baseId}/not-applicable',
    summary: '标记指标不适用（无需证明材料；active=false 撤销）',
    params: BaseParam,
    body: NotApplicableBody,
    answers: { 200: done(BaseStatusSchema) },
    run: (input) => staff.markNotApplicable(ctx, input),
  });

  staffAction(app, {
    path: '/api/bases/{baseId}/paper-copies',
    summary: '登记收到的盖章纸质材料份数',
    params: BaseParam,
    body: PaperCopiesBody,
    answers: { 200: done(BaseStatusSchema) },
    run: (input) => staff.recordPaperCopies(ctx, input),
  });

  staffAction(app, {
    path: '/api/cities/{city}/letter',
    summary: '登记市商务局公函（试点单位、推荐排序）',
    params: CityParam,
    body: CityLetterBody,
    answers: { 200: done(CityRecordSchema) },
    run: (input) => staff.recordCityLetter(ctx, input),
  });

  staffAction(app, {
    path: '/api/senders',
    summary: '确认发件地址属于某基地',
    body: SenderBody,
    answers: { 200: done(SenderSchema) },
    run: (input) => staff.confirmSender(ctx, input),
  });

  staffAction(app, {
    path: '/api/city-links',
    summary: '生成地市专用链接（市商务局无需账号即可查看本市情况）',
    body: CityLinkBody,
    answers: { 201: done(LinkSchema) },
    run: (input, c) =>
      issueCityLink(deps, {
        city: input.city,
        hours: input.hours ?? deps.cityLinkHours,
        actor: input.actor,
        reason: input.reason,
        origin: c.req.url,
      }),
    status: () => 201,
  });
}
