/**
 * Child process entry: the load generator, driven by the orchestrator (see `benchProtocol.ts`).
 * It runs on its own core so that parsing a million events does not steal the server's CPU.
 */
import { type BenchChannel, type LoadCommand, type LoadReply, openFileLimitFromEnv } from './benchProtocol';
import { DashboardClients } from './dashboardClients';
import { LoadGenerator } from './loadGenerator';
import { resumeDashboard } from './resumingClient';

const generators = new Map<BenchChannel, LoadGenerator>();

function generatorOf(group: BenchChannel = 'bench'): LoadGenerator {
  let generator = generators.get(group);
  if (!generator) {
    generator = new LoadGenerator();
    generators.set(group, generator);
  }
  return generator;
}

const dashboards = new DashboardClients();

function reply(message: LoadReply): void {
  process.send?.(message);
}

async function handle(command: LoadCommand): Promise<LoadReply> {
  switch (command.type) {
    case 'connect':
      return {
        type: 'connected',
        ...(await generatorOf(command.group).connect(
          command,
          command.count,
          command.concurrency,
          command.timeoutMs,
          command.sourceAddresses,
        )),
      };
    case 'expect': {
      const delivery = generatorOf(command.group).expect(command);
      // Checkers are in place before the orchestrator lets the server publish.
      reply({ type: 'expecting' });
      return { type: 'received', group: command.group ?? 'bench', ...(await delivery) };
    }
    case 'hold':
      return { type: 'held', ...(await generatorOf(command.group).hold(command.durationMs, command.silenceLimitMs)) };
    case 'resume':
      return { type: 'resumed', ...(await resumeDashboard(command)) };
    case 'openDashboards':
      return { type: 'dashboardsOpen', open: await dashboards.open(command, command.timeoutMs) };
    case 'awaitReading':
      return { type: 'readingDone', ...(await dashboards.awaitReading(command.timeoutMs)) };
    case 'resumeStalled':
      return { type: 'stalledResumed', ...(await dashboards.resumeStalled(command.timeoutMs)) };
    case 'cpu': {
      const usage = process.cpuUsage();
      return { type: 'cpu', userMicros: usage.user, systemMicros: usage.system };
    }
  }
}

process.on('message', (command: LoadCommand) => {
  handle(command).then(reply, (error: Error) => reply({ type: 'error', message: error.stack ?? String(error) }));
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready', openFileLimit: openFileLimitFromEnv() });
