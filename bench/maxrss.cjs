// Preloaded (`node --require bench/maxrss.cjs ...`) by bench/run.mjs where GNU time is missing:
// writes "maxRssKB userSeconds systemSeconds" to $MWCHAIN_BENCH_MAXRSS_FILE when the process exits.
const { writeFileSync } = require('node:fs');

const file = process.env.MWCHAIN_BENCH_MAXRSS_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}`);
  });
}
