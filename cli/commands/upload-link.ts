/**
 * `intake upload-link --base ID|名称`: prints a base's own upload link, signed with the data
 * directory's secret like `intake city-link`, so the running stack accepts it. The base opens it to upload with the
 * base fixed and the portal's full limits; the open `/upload` form stays, with tight limits.
 */
import type { Command } from 'commander';
import { baseNamed } from '../args.ts';
import { CliInputError } from '../errors.ts';

const DEFAULT_DATA_DIR = '.intake';

/** Adds `upload-link` to the program. */
export function registerUploadLinkCommand(program: Command): void {
  program
    .command('upload-link')
    .description('打印一个基地的专用上传链接（基地名称已填好，限额较大，回执可告知材料是否齐全）')
    .requiredOption('--base <base>', '基地编号（如 p11）或完整名称')
    .option('--origin <url>', '网页地址', 'http://127.0.0.1:8787')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '输出 JSON')
    .action(async (options: { base: string; origin: string; dataDir: string; json?: boolean }) => {
      const [{ createLocalContext }, { listRegistry }, links, { TokenSigner, secretBytes }, { localSecret }, time] =
        await Promise.all([
          import('../../shared/composition/local.ts'),
          import('../../shared/use-cases/registry.ts'),
          import('../../shared/access/upload-links.ts'),
          import('../../shared/access/signing.ts'),
          import('./local-auth.ts'),
          import('../../shared/domain/chinese-time.ts'),
        ]);
      let origin: string;
      try {
        origin = new URL(options.origin).origin;
      } catch {
        throw new CliInputError(`网页地址“${options.origin}”无效`, `invalid --origin "${options.origin}"`);
      }
      const local = await createLocalContext({ dataDir: options.dataDir });
      try {
        const base = baseNamed(await listRegistry(local.ctx), options.base);
        const signer = new TokenSigner(secretBytes(await localSecret(local.dataDir)));
        const link = links.signUploadLink(signer, local.ctx.round, base.id, local.ctx.clock.now());
        const url = links.uploadLinkUrl(link, origin);
        const expiresAt = link.expiresAt.toISOString();
        console.log(
          options.json
            ? JSON.stringify({ baseId: base.id, base: base.name, url, expiresAt }, null, 2)
            : `${base.name}（${base.id}）\n${url}\n（${time.chineseTime(expiresAt, local.ctx.round, { seconds: false })} 前有效）`,
        );
      } finally {
        await local.close();
      }
    });
}
