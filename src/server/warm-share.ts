import type { MessageBus } from '../bus/message-bus.js';
import type { WarmActionRecord } from '../store/registry-store.js';
import type { Coordinator } from './coordinator.js';

/**
 * The warm-set commands shared on `<prefix>.view.warm`: each change a coordinator makes to a command
 * (issued, sent to its node, answered, expired) is published, and every other coordinator applies it
 * (WarmCommands.apply). The coordinator holding the controller's lease issues; any coordinator hands a
 * command to its node in a heartbeat answer and records the node's answer. Delivery is at most once, like
 * the rest of the view: a coordinator that missed an issue does not hand that command out (the holder
 * expires it after `commandTtlMs`, and the next plan issues it again); one that missed a close keeps the
 * command open until the holder's expiry reaches it. The agent takes each command id once, so a command
 * handed out by two coordinators is carried out once.
 */
interface WarmMessage {
  from: string;
  record: WarmActionRecord;
}

export function shareWarmCommands(c: Coordinator, bus: MessageBus, prefix: string): () => void {
  const subject = `${prefix}.view.warm`;
  const commands = c.warm.commands;
  commands.onChange = (record) => {
    const m: WarmMessage = { from: c.instanceId, record };
    try {
      bus.publish(subject, Buffer.from(JSON.stringify(m)));
    } catch {
      // Lost like any message on a closed or disconnected bus (see above).
    }
  };
  const stop = bus.subscribe(subject, (d) => {
    const m = JSON.parse(Buffer.from(d).toString()) as WarmMessage;
    if (m.from !== c.instanceId) commands.apply(m.record);
  });
  return () => {
    stop();
    commands.onChange = undefined;
  };
}
