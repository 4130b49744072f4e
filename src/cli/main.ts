// The `mwchain` command line (../shared/CONTRACT.md section 1): data on stdout, progress and
// problems on stderr, exit 0 done, 1 findings, 2 usage or unreadable input.
import { version } from '../../package.json';
import { parseArgs, UsageError } from './args';
import { graphCommand } from './graph-command';
import { lintCommand } from './lint-command';

const HELP = `mwchain ${version}: see and check the middleware chains of Node.js web apps

usage:
  mwchain graph [DIR] [--format json|mermaid|text] [--route "GET /path"] [--app ID]
  mwchain lint  [DIR] [--format text|json|sarif] [--fail-on error|warning|info|never]
  mwchain --help | --version

DIR defaults to the current directory. lint exits 1 when a finding is at or above
--fail-on (default error), 2 on a usage error. Rules: docs/rules/<rule>.md.`;

function main(argv: string[]): number {
  const io = {
    out: (s: string) => process.stdout.write(s),
    err: (s: string) => process.stderr.write(s + '\n'),
  };
  try {
    const args = parseArgs(argv);
    if (args.flags.has('version')) {
      io.out(version + '\n');
      return 0;
    }
    if (args.flags.has('help')) {
      io.out(HELP + '\n');
      return 0;
    }
    if (args.command === undefined)
      throw new UsageError('missing command: graph or lint (try mwchain --help)');
    switch (args.command) {
      case 'graph':
        return graphCommand(args, io);
      case 'lint':
        return lintCommand(args, io, version);
      default:
        throw new UsageError(`unknown command '${args.command}' (try mwchain --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`mwchain: ${e.message}`);
      return 2;
    }
    io.err(
      `mwchain: internal error: ${(e as Error).message}${process.env.MWCHAIN_DEBUG ? '\n' + (e as Error).stack : ' (set MWCHAIN_DEBUG=1 for details)'}`,
    );
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
