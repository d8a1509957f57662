// wild-sentinel calendar <year> [--include-unverified]: one JSON line per wildlife day, {"id","name","date"}.
import { calendarForYear, MAX_YEAR, MIN_YEAR } from '../../shared/campaigns/calendar.ts';

export const USAGE =
  'usage: wild-sentinel calendar <year> [--include-unverified]' +
  '\nExamples:\n  wild-sentinel calendar 2027';

export async function run(args: string[]): Promise<number | undefined> {
  const includeUnverified = args.includes('--include-unverified');
  const rest = args.filter((a) => a !== '--include-unverified');
  if (rest.length !== 1 || !/^\d{1,4}$/.test(rest[0]!)) {
    console.error(USAGE);
    return 2;
  }
  const year = Number(rest[0]);
  if (year < MIN_YEAR || year > MAX_YEAR) {
    console.error(`year must be from ${MIN_YEAR} to ${MAX_YEAR}\n${USAGE}`);
    return 2;
  }
  const lines = calendarForYear(year, { includeUnverified }).map(({ id, name, date }) =>
    JSON.stringify({ id, name, date }),
  );
  process.stdout.write(lines.length ? `${lines.join('\n')}\n` : '');
  return 0;
}
