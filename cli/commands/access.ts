/**
 * Access from the command line: `intake city-link` signs a link a city bureau opens without an account (audited,
 * like the dashboard's button), `intake hash-password` turns a password read from stdin into the scrypt form that
 * `INTAKE_USERS` accepts, so that no plain password needs to sit in the environment.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { resolveCity } from '../args.ts';
import { CliInputError } from '../errors.ts';

const ACTOR = process.env.INTAKE_ACTOR ?? process.env.USER ?? 'staff';
const DEFAULT_DATA_DIR = '.intake';

/** Adds `city-link` and `hash-password` to the program. */
export function registerAccessCommands(program: Command): void {
  program
    .command('city-link')
    .description('生成地市专用链接：市商务局无需账号即可查看本市基地，到期失效')
    .argument('<city>', 'city id or name, e.g. changzhi or 长治')
    .requiredOption('--reason <text>', '原因或发给谁（记入操作记录）')
    .option('--hours <n>', '有效小时数', toHours, 72)
    .option('--origin <url>', '网页地址', 'http://127.0.0.1:8787')
    .option('--actor <name>', '操作人（默认取 $INTAKE_ACTOR 或 $USER）', ACTOR)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (city: string, options) => {
      const cityId = { data: await resolveCity(city) };
      const [
        { createLocalContext },
        { issueCityLink },
        { TokenSigner, secretBytes },
        { localSecret },
        { chineseTime },
      ] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/access/city-links.ts'),
        import('../../shared/access/signing.ts'),
        import('./local-auth.ts'),
        import('../../shared/domain/chinese-time.ts'),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      try {
        const signer = new TokenSigner(secretBytes(await localSecret(local.dataDir)));
        const link = await issueCityLink(
          { ctx: local.ctx, signer, wallClock: () => new Date() },
          {
            city: cityId.data,
            hours: options.hours,
            actor: options.actor,
            reason: options.reason,
            origin: options.origin,
          },
        );
        console.log(
          options.json
            ? JSON.stringify({ city: cityId.data, ...link }, null, 2)
            : `${link.url}\n（${chineseTime(link.expiresAt, local.ctx.round, { year: true })}前有效，北京时间）`,
        );
      } finally {
        await local.close();
      }
    });

  program
    .command('hash-password')
    .description('从标准输入读取密码，输出其 scrypt 散列，供 INTAKE_USERS 使用（name:<hash>:role[:city]）')
    .option('--json', '以 JSON 输出')
    .action(async (options) => {
      const { hashPassword } = await import('../../shared/access/accounts.ts');
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      const password = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/\r?\n$/, '');
      if (!password)
        throw new CliInputError(
          '请从标准输入给出密码，例如 read -s P; echo "$P" | intake hash-password',
          'give the password on stdin, e.g. `read -s P; echo "$P" | intake hash-password`',
        );
      const hash = hashPassword(password);
      console.log(options.json ? JSON.stringify({ hash }) : hash);
    });
}

function toHours(value: string): number {
  const hours = Number(value);
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 30)
    throw new InvalidArgumentError('小时数应为1–720的整数 (hours: 1 to 720)');
  return hours;
}
