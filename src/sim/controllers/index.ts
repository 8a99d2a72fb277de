/** Every controller the controller manager runs, in the order their queues are drained. */
import type { ControllerFactory } from './manager';

export const CONTROLLERS: ControllerFactory[] = [];
