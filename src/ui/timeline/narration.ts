/**
 * Events told as sentences, so the narration feed says what the control plane did and why:
 * "ReplicaSet web-7d9 created pod web-7d9-x2k", "scheduler bound web-x to node-2".
 */
import type { EventRow } from '../../worker/protocol';

const KIND_NAMES: Record<string, string> = {
  replicaset: 'ReplicaSet',
  deployment: 'Deployment',
  daemonset: 'DaemonSet',
  statefulset: 'StatefulSet',
  job: 'Job',
  cronjob: 'CronJob',
  node: 'Node',
  pod: 'Pod',
  service: 'Service',
  horizontalpodautoscaler: 'HPA',
};

export function narrate(e: EventRow): string {
  const [kind, name] = e.object.split('/');
  const who = `${KIND_NAMES[kind] ?? kind} ${name}`;
  const host = e.source === 'kubelet' ? 'kubelet' : e.source;
  const times = e.count > 1 ? ` (×${e.count})` : '';
  let m: RegExpMatchArray | null;
  switch (e.reason) {
    case 'SuccessfulCreate':
      if ((m = e.message.match(/^Created pod: (.+)$/))) return `${who} created pod ${m[1]}${times}`;
      if ((m = e.message.match(/^Created job (.+)$/))) return `${who} created job ${m[1]}${times}`;
      break;
    case 'SuccessfulDelete':
      if ((m = e.message.match(/^Deleted pod: (.+)$/))) return `${who} deleted pod ${m[1]}${times}`;
      break;
    case 'Scheduled':
      if ((m = e.message.match(/^Successfully assigned (\S+) to (\S+)$/))) return `scheduler bound ${m[1].split('/').pop()} to ${m[2]}`;
      break;
    case 'ScalingReplicaSet':
      return `${who}: ${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}`;
    case 'Pulled':
      if ((m = e.message.match(/image "([^"]+)"/))) return `${host} pulled ${m[1]} for ${name}${/already present/.test(e.message) ? ' (already on the node)' : ''}`;
      break;
    case 'Pulling':
      if ((m = e.message.match(/image "([^"]+)"/))) return `${host} is pulling ${m[1]} for ${name}`;
      break;
    case 'Started':
      return `${host} started ${e.message.replace(/^Started container /, 'container ')} in ${name}`;
    case 'Created':
      return `${host} created ${e.message.replace(/^Created container /, 'container ')} in ${name}`;
    case 'Killing':
      return `${host} is stopping ${name}: ${e.message}`;
  }
  return `${who}: ${e.message}${times}`;
}
