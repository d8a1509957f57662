// wild-sentinel <command> [args]: each command lives in cli/commands/<command>.ts and exports `run(args)`
// and its `USAGE`. `--help` anywhere prints the usage; a failure is one line, its stack only with --debug.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeFailure } from './failure.ts';

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));
const commands = readdirSync(commandsDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

function usage(): string {
  return `usage: wild-sentinel <command> [args]\ncommands: ${commands.join(', ')}`;
}

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  console.log(usage());
  process.exit(name ? 0 : 2);
}
if (!commands.includes(name)) {
  console.error(`unknown command "${name}"\n${usage()}`);
  process.exit(2);
}
const mod = (await import(`./commands/${name}.ts`)) as {
  run: (args: string[]) => Promise<number | undefined>;
  USAGE?: string;
};
const debug = args.includes('--debug') || process.env.WS_DEBUG === '1';
const commandArgs = args.filter((a) => a !== '--debug');
if (mod.USAGE && commandArgs.some((a) => a === '--help' || a === '-h')) {
  console.log(mod.USAGE);
  process.exit(0);
}
try {
  const code = await mod.run(commandArgs);
  if (typeof code === 'number') process.exitCode = code;
} catch (err) {
  const failure = describeFailure(err, mod.USAGE);
  console.error(failure.message);
  if (debug) console.error(err);
  else if (failure.exitCode === 1) console.error('(run again with --debug for the details)');
  process.exitCode = failure.exitCode;
}
