/** Every kubectl command Podium answers, by name. One file per command. */
import type { CommandDef } from '../command';
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
import { autoscale, scale } from './scale';
import { set } from './set';
import { rollout } from './rollout';
import { annotate, label } from './label';
import { cordon, drain, taint, uncordon } from './node';
import { logs } from './logs';
import { exec } from './exec';
import { config } from './config';
import { wait } from './wait';
import { top } from './top';
import { explainCommand } from './explain';

export const COMMANDS: CommandDef[] = [
  get,
  describeCommand,
  apply,
  create,
  replace,
  del,
  run,
  expose,
  scale,
  autoscale,
  set,
  rollout,
  label,
  annotate,
  taint,
  cordon,
  uncordon,
  drain,
  logs,
  exec,
  top,
  wait,
  explainCommand,
  config,
  apiResourcesCommand,
  apiVersionsCommand,
  clusterInfoCommand,
  versionCommand,
];
