/**
 * `intake doctor [--repair]`: checks the local data directory — first the object store's own files (a damaged
 * metadata file makes every command fail), then every record's stored objects (present, SHA-256 as recorded) and
 * submissions whose intake never finished — and reports in Chinese. `--repair` re-creates what can be re-created and
 * marks what cannot (shared/use-cases/doctor.ts). Exit code 0 when nothing is left wrong, 1 otherwise.
 */
import type { Command } from 'commander';
import { EXIT_FAILURE } from '../errors.ts';

const DEFAULT_DATA_DIR = '.intake';

/** Adds the `doctor` command to the program. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('检查每条记录的存储文件（是否存在、SHA-256 是否一致）和未完成的收取；--repair 修复')
    .option('--repair', '能恢复的予以恢复（从原始邮件恢复文件、存储元数据），其余作标记')
    .option('--data-dir <dir>', '数据目录', DEFAULT_DATA_DIR)
    .option('--json', '以 JSON 输出')
    .action(async (options: { repair?: boolean; dataDir: string; json?: boolean }) => {
      const [
        { createLocalContext, inspectLocalStore, repairLocalStore, localStackRunning },
        { checkStore },
        { RESUME_AFTER_MS },
      ] = await Promise.all([
        import('../../shared/composition/local.ts'),
        import('../../shared/use-cases/doctor.ts'),
        import('../../shared/use-cases/resume.ts'),
      ]);
      const say = (line: string) => (options.json ? undefined : console.log(line));

      // The store's own files first: while one is damaged, no command (this one included) can open the store.
      const damaged = await inspectLocalStore(options.dataDir);
      const running = await localStackRunning(options.dataDir);
      for (const file of damaged) {
        say(`存储元数据文件损坏：${file.path}（${file.detail}）${options.repair ? ' -> 已重建' : ''}`);
      }
      if (options.repair && damaged.length > 0) await repairLocalStore(damaged);
      else if (damaged.length > 0) {
        // The store cannot be opened until they are repaired: the records are checked after --repair.
        if (options.json) console.log(JSON.stringify({ damagedStoreFiles: damaged, repaired: false }, null, 2));
        say(`发现 ${damaged.length} 个损坏的存储元数据文件；修复前无法检查各记录。运行 intake doctor --repair 修复。`);
        process.exitCode = EXIT_FAILURE;
        return;
      }

      const local = await createLocalContext({ dataDir: options.dataDir });
      try {
        // Joined to a running `intake start`, a submission recorded a moment ago may be being read right now.
        const report = await checkStore(local.ctx, {
          repair: options.repair,
          unfinished: local.owner ? {} : { olderThanMs: RESUME_AFTER_MS },
        });
        // Problems an earlier --repair marked on the records are known: listed, not counted against the exit code.
        const left = report.problems.filter((p) => !p.fixed && !p.marked).length;
        if (options.json) {
          console.log(
            JSON.stringify(
              { dataDir: local.dataDir, damagedStoreFiles: damaged, repaired: Boolean(options.repair), ...report },
              null,
              2,
            ),
          );
        } else {
          say(
            `检查了 ${report.submissions} 份报送、${report.documents} 个文件记录（读取并核对 ${report.objects} 个存储对象的SHA-256）`,
          );
          for (const p of report.problems) {
            const outcome = p.repaired ?? (p.marked ? '已标注（此前的 doctor --repair）' : '');
            say(`  ${p.message}${outcome ? ` -> ${outcome}` : ''}`);
          }
          const found = report.problems.length + damaged.length;
          if (found === 0) say('一切正常：每份记录的文件都在，内容与记录一致。');
          else if (options.repair) {
            const rebuilt = report.problems.filter((p) => p.fixed).length + damaged.length;
            say(
              `发现 ${found} 个问题，已重建 ${rebuilt} 个${found > rebuilt ? `，其余 ${found - rebuilt} 个已标注（见 intake status）` : ''}。`,
            );
          } else if (left === 0) say(`发现 ${found} 个问题，均已标注，无需再修复。`);
          else say(`发现 ${found} 个问题（${left} 个未处理）。运行 intake doctor --repair 修复可修复的部分。`);
          if (running) say('（intake start 正在使用该数据目录）');
        }
        // Without --repair anything found fails; with it, anything neither re-created nor marked.
        if (left > 0 && !options.repair) process.exitCode = EXIT_FAILURE;
        if (options.repair && report.problems.some((p) => p.fixed === undefined)) process.exitCode = EXIT_FAILURE;
      } finally {
        await local.close();
      }
    });
}
