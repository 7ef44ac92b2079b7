/**
 * Evidence classification from the command line:
 * - `intake classify <document> <kind> [--indicator SLUG]… --reason …`: classify a file by hand (audited; several
 *   `--indicator` for a table shared by several indicators);
 * - `intake classify --explain [--folder DIR] NAME…`: what the classifier makes of file names, as JSON — pure, no
 *   data directory or stack;
 * - `intake unclassified [--base ID] [--json]`: the queue of files the classifier asked about (待核实材料);
 * - `intake vocabulary [accept|reject <indicator> <word>]`: words proposed from files classified by hand.
 */
import type { Command } from 'commander';
import { resolveOptionalCity } from '../args.ts';
import { CliInputError } from '../errors.ts';

const ACTOR = process.env.INTAKE_ACTOR ?? process.env.USER ?? 'staff';
const DEFAULT_DATA_DIR = '.intake';
const KINDS = ['report-form', 'self-assessment', 'evidence', 'city-letter', 'other'] as const;

/** What `--explain` prints for one name. */
export interface Explanation {
  name: string;
  /** Set when the name is no evidence: report-form, self-assessment, city-letter or other. */
  kind?: (typeof KINDS)[number];
  indicators: string[];
  decision: 'decided' | 'asked';
  confidence: number;
  reasons: string[];
}

/** Adds `classify`, `unclassified` and `vocabulary` to the program. */
export function registerClassifyCommands(program: Command): void {
  program
    .command('classify')
    .description(
      '人工分类一个文件（<document> <kind> --indicator … --reason …），或说明文件名会被如何分类（--explain 文件名…）',
    )
    .argument('[args...]', '<文件编号> <分类>；用 --explain 时为文件名')
    .option('--explain', '以 JSON 输出每个文件名会被如何分类（不需要数据目录）')
    .option('--folder <dir>', '与 --explain 同用：文件所在的文件夹（例如 证明材料/17 直播活动）')
    .option('--indicator <slug>', '证明材料对应的指标（共用一张表格时可重复给出）', collect, [])
    .option('--reason <text>', '原因（记入操作记录；分类时必填）')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (args: string[], options: Record<string, unknown>) => {
      if (options.explain) {
        if (args.length === 0)
          throw new CliInputError('请给出至少一个文件名', 'give at least one file name to explain');
        const { loadRound } = await import('../../shared/domain/rounds/index.ts');
        const round = loadRound();
        console.log(JSON.stringify(await explainNames(args, round, options.folder as string | undefined), null, 2));
        return;
      }
      const [documentId, kind, ...rest] = args;
      if (!documentId || !kind || rest.length > 0) {
        throw new CliInputError(
          '用法：intake classify <文件编号> <类别> [--indicator 指标]… --reason 理由',
          'usage: intake classify <document> <kind> [--indicator SLUG]… --reason TEXT',
        );
      }
      if (!KINDS.includes(kind as (typeof KINDS)[number])) {
        throw new CliInputError(`没有类别“${kind}”（可选：${KINDS.join('、')}）`, `unknown kind ${kind}`);
      }
      if (typeof options.reason !== 'string' || options.reason.trim() === '') {
        throw new CliInputError(
          '缺少必填选项 --reason（记入审计记录）',
          '--reason is required (kept in the audit trail)',
        );
      }
      const [{ createLocalContext }, { classifyDocumentByHand }] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/use-cases/staff-actions.ts'),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir as string });
      try {
        const status = await classifyDocumentByHand(local.ctx, {
          documentId,
          kind: kind as (typeof KINDS)[number],
          indicators: options.indicator as string[],
          actor: String(options.actor),
          reason: options.reason,
        });
        const { statusLine } = await import('./status-words.ts');
        console.log(options.json ? JSON.stringify(status, null, 2) : statusLine(local.ctx.round, status));
      } finally {
        await local.close();
      }
    });

  program
    .command('unclassified')
    .description('系统未能确定对应指标的证明材料（待核实材料），附候选指标和理由')
    .option('--base <id>', '只看这个基地')
    .option('--city <city>', '只看这个地市：编号或名称（taiyuan、太原）')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const city = await resolveOptionalCity(options.city as string | undefined);
      const [{ createLocalContext }, { listUnclassified }, { formatBeijing }] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/use-cases/unclassified.ts'),
        import('../../shared/domain/round-time.ts'),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir as string });
      try {
        const round = local.ctx.round;
        const queue = await listUnclassified(local.ctx, {
          baseId: options.base as string | undefined,
          cities: city ? [city] : undefined,
        });
        if (options.json) {
          console.log(JSON.stringify(queue, null, 2));
          return;
        }
        if (queue.length === 0) {
          console.log('没有待核实的材料');
          return;
        }
        const cityName = (id: string) => round.cities.find((c) => c.id === id)?.name ?? id;
        const rows = queue.map((d) => [
          `${cityName(d.city)} ${d.baseName}`,
          `${d.folderPath ? `${d.folderPath}/` : ''}${d.fileName}`,
          formatBeijing(new Date(d.receivedAt), round.timeZone).slice(0, 16),
          d.candidates.length ? d.candidates.map((c) => c.name).join('、') : '—',
          d.reasons.join('；') || (d.decision === 'none' ? '未识别出对应指标' : '—'),
          d.documentId,
        ]);
        console.log(
          alignColumns([['基地', '文件', '收到时间', '可能对应的指标', '系统判断依据', '文件编号'], ...rows]),
        );
        console.log(
          `\n共 ${queue.length} 个文件。核实：intake classify <文件编号> evidence --indicator <指标> --reason "…"`,
        );
      } finally {
        await local.close();
      }
    });

  program
    .command('vocabulary')
    .description('从人工分类的文件名中提出的词（词表建议）：列出，或采纳/不采纳一个（<指标> <词>）')
    .argument('[action]', 'accept（采纳）或 reject（不采纳）；不写则列出')
    .argument('[indicator]', '该词对应的指标（例如 promotions）')
    .argument('[word]', '词')
    .option('--reason <text>', '原因（记入操作记录）')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(
      async (
        action: string | undefined,
        indicator: string | undefined,
        word: string | undefined,
        options: Record<string, string | boolean | undefined>,
      ) => {
        if (action !== undefined && action !== 'accept' && action !== 'reject') {
          throw new CliInputError(
            `没有操作“${action}”（accept 或 reject）`,
            `unknown action ${action} (accept or reject)`,
          );
        }
        if (action && (!indicator || !word)) {
          throw new CliInputError(
            `用法：intake vocabulary ${action} <指标> <词>`,
            `usage: intake vocabulary ${action} <indicator> <word>`,
          );
        }
        const [{ createLocalContext }, vocabulary] = await Promise.all([
          import('../../shared/composition/local.ts'),
          import('../../shared/use-cases/vocabulary-words.ts'),
        ]);
        const local = await createLocalContext({ dataDir: options.dataDir as string });
        try {
          if (action && indicator && word) {
            const decided = await vocabulary.decideVocabularyWord(local.ctx, {
              indicator,
              word,
              accept: action === 'accept',
              actor: String(options.actor),
              reason: options.reason as string | undefined,
            });
            console.log(
              options.json
                ? JSON.stringify(decided, null, 2)
                : `${decided.word} → ${decided.indicator}: ${decided.state}`,
            );
            return;
          }
          const words = await vocabulary.listVocabularyWords(local.ctx);
          if (options.json) {
            console.log(JSON.stringify(words, null, 2));
            return;
          }
          if (words.length === 0) {
            console.log('没有词表建议');
            return;
          }
          const round = local.ctx.round;
          const name = (slug: string) => round.indicators.find((i) => i.slug === slug)?.name ?? slug;
          const states = { proposed: '待定', accepted: '已采纳', rejected: '不采纳' } as const;
          console.log(
            alignColumns([
              ['词', '指标', '状态', '来自文件', '指标代码'],
              ...words.map((w) => [w.word, name(w.indicator), states[w.state], w.from.fileName, w.indicator]),
            ]),
          );
          console.log(
            '\n采纳：intake vocabulary accept <指标代码> <词>；不采纳：intake vocabulary reject <指标代码> <词>',
          );
        } finally {
          await local.close();
        }
      },
    );
}

/** How the classifier reads each name (in `folder` when given): pure, the round's vocabulary only. */
export async function explainNames(
  names: readonly string[],
  round: import('../../shared/domain/catalogue.ts').Round,
  folder?: string,
): Promise<Explanation[]> {
  const { classifyDocument } = await import('../../shared/parsing/classify.ts');
  return names.map((name) => {
    const found = classifyDocument({ fileName: name, ...(folder ? { folderPath: folder } : {}) }, round);
    if (found.kind !== 'evidence') {
      return {
        name,
        kind: found.kind,
        indicators: [],
        decision: 'decided',
        confidence: 1,
        reasons: [found.matchedKeyword ? `文件名含“${found.matchedKeyword}”` : '不是证明材料（系统或邮件附带的文件）'],
      };
    }
    const evidence = found.evidence;
    return {
      name,
      indicators: found.indicators ?? (found.indicator ? [found.indicator] : []),
      decision: evidence?.decision ?? (found.indicator ? 'decided' : 'asked'),
      confidence: evidence?.confidence ?? 0,
      reasons: evidence?.reasons ?? [],
    };
  });
}

/** Rows as columns padded to the widest cell, counting a CJK character as two columns (as terminals show it). */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const width = (text: string) => [...text].reduce((n, ch) => n + (/[\u1100-\uffff]/u.test(ch) ? 2 : 1), 0);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => width(row[i] ?? ''))));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
