// wild-sentinel <command> [args]: each command lives in cli/commands/<command>.ts and exports `run(args)`.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
};
const code = await mod.run(args);
if (typeof code === 'number') process.exitCode = code;
