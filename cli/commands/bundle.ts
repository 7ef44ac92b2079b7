/**
 * `intake bundle --base ID | --city ID | --all --out 材料.zip`: the file packages for the experts — a folder per base,
 * the report form and self-assessment first, the evidence renamed in indicator order, a 目录.xlsx index (see
 * shared/use-cases/bundle.ts). Written as a stream: a round's package never sits in memory.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { baseNamed, resolveOptionalCity } from '../args.ts';
import { CliInputError } from '../errors.ts';

const DEFAULT_DATA_DIR = '.intake';

interface BundleOptions {
  base?: string;
  city?: string;
  all?: boolean;
  out: string;
  dataDir: string;
  json?: boolean;
}

/** Adds the `bundle` command to the program. */
export function registerBundleCommand(program: Command): void {
  program
    .command('bundle')
    .description(
      '打包材料（zip）：一个基地的全部文件，或一个地市、全省各基地的专家评审材料包（按指标整理，附目录.xlsx）',
    )
    .option('--base <id>', '一个基地（编号如 p11，或完整名称）')
    .option('--city <city>', '一个地市的各参评基地（编号或名称，如 changzhi、长治）')
    .option('--all', '全省各参评基地（按 <城市>/<基地名称>/ 分文件夹）')
    .requiredOption('--out <file>', '写到哪里，如 材料.zip', toZipPath)
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '输出 JSON')
    .action(async (options: BundleOptions) => {
      const chosen = [options.base, options.city, options.all].filter(Boolean).length;
      if (chosen !== 1) {
        throw new CliInputError(
          '--base、--city、--all 三者须且只能给出一个',
          'give exactly one of --base, --city, --all',
        );
      }
      const city = await resolveOptionalCity(options.city);
      const [{ createLocalContext }, { planBundle, streamBundle }, { listRegistry }] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/use-cases/bundle.ts'),
        import('../../shared/use-cases/registry.ts'),
      ]);
      const local = await createLocalContext({ dataDir: options.dataDir });
      // Written beside the target and renamed when complete: a failed run leaves no half zip under the name.
      const partial = `${options.out}.part`;
      try {
        let scope: Parameters<typeof planBundle>[1];
        if (options.base) {
          const base = baseNamed(await listRegistry(local.ctx), options.base);
          scope = { base: base.id };
        } else if (city) {
          scope = { city };
        } else {
          scope = { all: true };
        }
        const plan = await planBundle(local.ctx, scope);
        const { stream, done } = streamBundle(local.ctx, plan);
        await pipeline(stream, createWriteStream(partial));
        const outcome = await done;
        await rename(partial, options.out);
        const result = {
          file: resolve(options.out),
          bases: plan.bases.length,
          files: plan.entries.length - outcome.missing.length,
          bytes: outcome.bytes,
          missing: outcome.missing,
        };
        console.log(
          options.json
            ? JSON.stringify(result, null, 2)
            : `已打包 ${result.file}：${result.bases}个基地，${result.files}个文件${
                outcome.missing.length ? `，${outcome.missing.length}个文件在存储中找不到（见目录.xlsx）` : ''
              }`,
        );
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      } finally {
        await local.close();
      }
    });
}

function toZipPath(value: string): string {
  if (!/\.zip$/i.test(value))
    throw new InvalidArgumentError(
      '材料包是 .zip 文件，文件名须以 .zip 结尾 (the package is a .zip: end the name in .zip)',
    );
  return value;
}
