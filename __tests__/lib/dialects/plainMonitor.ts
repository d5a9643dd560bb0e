/**
 * The browser bundle of the dialect test: the monitor runtime with the test dialect registered,
 * as `lib/browser/monitor.ts` starts it with the registry's dialects.
 */
import { MonitorRuntime } from '../../../lib/browser/monitorRuntime';
import { dialects, registerDialect } from '../../../lib/dialects/dialectRegistry';
import { plainDialect } from './plainDialect';

registerDialect(plainDialect);
const runtime = new MonitorRuntime(dialects());
(window as { sseMonitor?: MonitorRuntime }).sseMonitor = runtime;
runtime.start();
