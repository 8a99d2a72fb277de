/** Every kubectl command Podium answers, by name. One file per command. */
import type { CommandDef } from '../command';
import { notYet } from './not-yet';
import { get } from './get';
import { describeCommand } from './describe';
import { apiResourcesCommand, apiVersionsCommand } from './api-resources';
import { versionCommand } from './version';
import { clusterInfoCommand } from './cluster-info';
import { apply, replace } from './apply';
import { del } from './delete';
import { create } from './create';
import { run } from './run';
import { expose } from './expose';

export const COMMANDS: CommandDef[] = [
  get,
  describeCommand,
  apply,
  create,
  replace,
  del,
  run,
  expose,
  notYet('scale', 'Set a new size for a deployment, replica set, or replication controller'),
  notYet('autoscale', 'Auto-scale a deployment, replica set, stateful set, or replication controller'),
  notYet('set', 'Set specific features on objects'),
  notYet('rollout', 'Manage the rollout of a resource'),
  notYet('label', 'Update the labels on a resource'),
  notYet('annotate', 'Update the annotations on a resource'),
  notYet('taint', 'Update the taints on one or more nodes'),
  notYet('cordon', 'Mark node as unschedulable'),
  notYet('uncordon', 'Mark node as schedulable'),
  notYet('drain', 'Drain node in preparation for maintenance'),
  notYet('logs', 'Print the logs for a container in a pod'),
  notYet('exec', 'Execute a command in a container'),
  notYet('top', 'Display resource (CPU/memory) usage'),
  notYet('wait', 'Experimental: Wait for a specific condition on one or many resources'),
  notYet('explain', 'Get documentation for a resource'),
  notYet('config', 'Modify kubeconfig files'),
  apiResourcesCommand,
  apiVersionsCommand,
  clusterInfoCommand,
  versionCommand,
];
