import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Bytes the process holds after a full garbage collection: the JavaScript heap plus memory
 * outside it (Buffers, such as queued socket writes). Works without `node --expose-gc`.
 */
export function memoryAfterGc(): number {
  collect();
  collect();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}
