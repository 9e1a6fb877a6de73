// Small manifest builders for the tests (YAML as kubectl users write it).

export interface ContainerSpec {
  readonly name?: string;
  readonly image: string;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

export interface PodOptions {
  readonly imagePullSecrets?: readonly string[];
  readonly serviceAccountName?: string;
}

function podSpec(container: ContainerSpec, options: PodOptions, indent: string): string {
  const lines = [
    'terminationGracePeriodSeconds: 0',
    ...(options.serviceAccountName ? [`serviceAccountName: ${options.serviceAccountName}`] : []),
    ...(options.imagePullSecrets?.length
      ? ['imagePullSecrets:', ...options.imagePullSecrets.map((name) => `  - name: ${name}`)]
      : []),
    'containers:',
    `  - name: ${container.name ?? 'app'}`,
    `    image: ${JSON.stringify(container.image)}`,
    ...(container.imagePullPolicy ? [`    imagePullPolicy: ${container.imagePullPolicy}`] : []),
  ];
  return lines.map((line) => indent + line).join('\n');
}

export function pod(name: string, container: ContainerSpec, options: PodOptions = {}): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n${podSpec(container, options, '  ')}\n`;
}

export function deployment(name: string, container: ContainerSpec, options: PodOptions = {}): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  replicas: 1',
    '  selector:',
    `    matchLabels: {app: ${name}}`,
    '  template:',
    '    metadata:',
    `      labels: {app: ${name}}`,
    '    spec:',
    podSpec(container, options, '      '),
    '',
  ].join('\n');
}

/** A kubernetes.io/dockerconfigjson Secret for one registry. */
export function dockerConfigSecret(name: string, registry: string, user: string, password: string): string {
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  const config = JSON.stringify({ auths: { [registry]: { auth } } });
  return [
    'apiVersion: v1',
    'kind: Secret',
    'type: kubernetes.io/dockerconfigjson',
    'metadata:',
    `  name: ${name}`,
    'data:',
    `  .dockerconfigjson: ${Buffer.from(config).toString('base64')}`,
    '',
  ].join('\n');
}
