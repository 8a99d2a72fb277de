/**
 * `kubectl cluster-info`: where the control plane answers (the control-plane node's address, port
 * 6443, as a kubeadm kubeconfig has it) and the proxy URL of every kube-system Service labelled
 * `kubernetes.io/cluster-service=true`, named by its `kubernetes.io/name` label.
 */
import { parseFlags } from '../args';
import type { CommandDef, KubectlContext } from '../command';

export function apiServerURL(k: KubectlContext): string {
  const nodes = [...k.ctx.store.each('Node')];
  const cp = nodes.find((n) => 'node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {}));
  const ip = cp?.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address;
  if (ip) return `https://${ip}:6443`;
  // A managed control plane lives off the nodes: clients reach it through the `kubernetes` Service.
  const svc = k.ctx.store.get('Service', 'default', 'kubernetes');
  return `https://${svc?.spec?.clusterIP ?? '10.96.0.1'}:443`;
}

export const clusterInfoCommand: CommandDef = {
  name: 'cluster-info',
  summary: 'Display cluster information',
  run(words, k) {
    const p = parseFlags(words, [{ name: 'output-directory', kind: 'string' }, { name: 'all-namespaces', short: 'A', kind: 'bool' }]);
    if (p.args[0] === 'dump') return { stdout: '', stderr: 'error: "kubectl cluster-info dump" is not available in Podium; use "kubectl get" and "kubectl describe"\n', exitCode: 1 };
    if (p.args.length) return { stdout: '', stderr: `error: unknown command "${p.args[0]}" for "kubectl cluster-info"\n`, exitCode: 1 };
    const server = apiServerURL(k);
    const lines = [`Kubernetes control plane is running at ${server}`];
    for (const svc of k.ctx.store.list('Service', 'kube-system')) {
      const labels = svc.metadata.labels ?? {};
      if (labels['kubernetes.io/cluster-service'] !== 'true') continue;
      const name = labels['kubernetes.io/name'] || svc.metadata.name;
      const port = svc.spec?.ports?.[0];
      const target = port?.name ? `${svc.metadata.name}:${port.name}` : svc.metadata.name;
      lines.push(`${name} is running at ${server}/api/v1/namespaces/kube-system/services/${target}/proxy`);
    }
    lines.push('', "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
    return { stdout: lines.join('\n') + '\n', stderr: '', exitCode: 0 };
  },
};
