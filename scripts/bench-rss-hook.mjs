// Preloaded by the batch benchmark (`node --import scripts/bench-rss-hook.mjs ...`): writes the process's peak RSS
// (getrusage maxRSS, in KiB; worker threads included) to $BENCH_RSS_FILE when it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
