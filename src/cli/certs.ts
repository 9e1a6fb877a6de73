import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { generateCertificates } from '../certs/generate.js';
import { UsageError } from './errors.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export function certsCommand(): Command {
  return new Command('certs')
    .description('generate a CA and a serving certificate for the webhook (ca.crt, tls.crt, tls.key)')
    .requiredOption('--out <dir>', 'directory to write ca.crt, tls.crt and tls.key into')
    .option('--dns <name>', 'DNS subject alternative name (repeatable)', collect, [])
    .option('--ip <address>', 'IP subject alternative name (repeatable)', collect, [])
    .addOption(new Option('--days <n>', 'validity in days').default('365'))
    .action(async (options: { out: string; dns: string[]; ip: string[]; days: string }) => {
      const days = Number(options.days);
      if (!Number.isInteger(days) || days <= 0)
        throw new UsageError(`--days must be a positive integer, got ${options.days}`);
      if (options.dns.length === 0 && options.ip.length === 0) {
        throw new UsageError('give at least one --dns NAME or --ip ADDR for the serving certificate');
      }
      const bundle = generateCertificates({
        dnsNames: options.dns,
        ipAddresses: options.ip,
        days,
        now: new Date(),
      });
      await mkdir(options.out, { recursive: true });
      await writeFile(join(options.out, 'ca.crt'), bundle.caCert);
      await writeFile(join(options.out, 'tls.crt'), bundle.cert);
      await writeFile(join(options.out, 'tls.key'), bundle.key, { mode: 0o600 });
      process.stdout.write(
        `wrote ${join(options.out, 'ca.crt')}, tls.crt and tls.key (valid until ${bundle.notAfter.toISOString()})\n`,
      );
    });
}
