// `serve --self-managed-certs`: flags and wiring of the self-managed certificate mode (Secret,
// serving files, caBundle of both webhook configurations).

import { Command, Option } from 'commander';
import { loadKubeConfig } from '../cluster/kube-client.js';
import { secretStore, webhookCaTarget } from '../certs/k8s-adapters.js';
import { SelfManagedCertificates } from '../certs/self-managed.js';
import type { Logger } from '../logger.js';
import { UsageError } from './errors.js';

export interface CertFlags {
  selfManagedCerts?: boolean;
  certSecret: string;
  webhookNames: string;
  service?: string;
  certDays: string;
  certRotateFraction: string;
  certRefreshSeconds: string;
}

export function addCertOptions(command: Command): Command {
  return command
    .option('--self-managed-certs', 'keep the serving certificate in a Secret, rotate it, and patch caBundle')
    .addOption(
      new Option('--cert-secret <name>', 'Secret for the self-managed certificate').default('pullguard-tls'),
    )
    .addOption(
      new Option(
        '--webhook-names <validating,mutating>',
        'webhook configurations whose caBundle is kept',
      ).default('pullguard-validating,pullguard-mutating'),
    )
    .option(
      '--service <name.namespace>',
      'the webhook Service; sets the certificate names and the Secret namespace',
    )
    .addOption(
      new Option('--cert-days <n>', 'validity of a self-managed certificate, in days').default('365'),
    )
    .addOption(
      new Option(
        '--cert-rotate-fraction <f>',
        'rotate when less than this share of the validity remains',
      ).default('0.333'),
    )
    .addOption(new Option('--cert-refresh-seconds <n>', 'how often the Secret is read again').default('60'));
}

export interface CertRuntime {
  stop(): Promise<void>;
}

export async function startCertificates(
  flags: CertFlags & { kubeconfig?: string },
  files: { certFile: string; keyFile: string },
  logger: Logger,
): Promise<CertRuntime | undefined> {
  if (!flags.selfManagedCerts) return undefined;
  const [service, namespace, ...rest] = (flags.service ?? '').split('.');
  if (!service || !namespace || rest.length > 0)
    throw new UsageError(
      `--service must be NAME.NAMESPACE with --self-managed-certs, got "${flags.service ?? ''}"`,
    );
  const [validating, mutating, ...extra] = flags.webhookNames.split(',').map((name) => name.trim());
  if (!validating || !mutating || extra.length > 0)
    throw new UsageError(`--webhook-names must be VALIDATING,MUTATING, got "${flags.webhookNames}"`);
  const days = Number(flags.certDays);
  const fraction = Number(flags.certRotateFraction);
  const refresh = Number(flags.certRefreshSeconds);
  if (!(days > 0)) throw new UsageError(`--cert-days must be positive, got ${flags.certDays}`);
  if (!(fraction > 0 && fraction < 1))
    throw new UsageError(`--cert-rotate-fraction must be between 0 and 1, got ${flags.certRotateFraction}`);
  if (!(refresh >= 1))
    throw new UsageError(`--cert-refresh-seconds must be at least 1, got ${flags.certRefreshSeconds}`);
  const kubeConfig = loadKubeConfig(flags.kubeconfig);
  const certificates = new SelfManagedCertificates({
    store: secretStore(kubeConfig, namespace, flags.certSecret),
    targets: [
      webhookCaTarget(kubeConfig, 'validating', validating),
      webhookCaTarget(kubeConfig, 'mutating', mutating),
    ],
    ...files,
    dnsNames: [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`],
    validityDays: days,
    rotateFraction: fraction,
    refreshMs: refresh * 1000,
    now: () => new Date(),
    logger,
  });
  await certificates.start();
  return certificates;
}
