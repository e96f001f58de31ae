/**
 * The service demo (first start, or `igkit demo`): everything goes through the real paths of the running
 * service. It schedules a carousel and a reel a few seconds ahead and lets the scheduler's workers publish
 * them; when the webhook pipeline is mounted it has the emulated user send a DM and waits for the demo rule's
 * answer (webhook → worker → send-message). It ends with a summary drawn from the store.
 */
import type { EmbeddedEmulator } from '../runtime/embedded-emulator.js';
import type { Service } from '../service.js';
import { listMessages } from '../store/messages.js';
import { getPost, type Post } from '../store/posts.js';
import { type DemoReporter, silentReporter } from './reporter.js';

export interface ServiceDemoSummary {
  posts: Array<{ id: string; kind: string; state: string; permalink?: string }>;
  postsPublished: number;
  /** DMs answered by the demo rule; undefined when the messaging pipeline is not mounted. */
  messagesAnswered?: number;
  auditRows: number;
  ok: boolean;
}

export interface ServiceDemoOptions {
  service: Service;
  emulator: EmbeddedEmulator;
  reporter?: DemoReporter;
  /** Seconds ahead the posts are scheduled. @default 3 */
  leadSeconds?: number;
  /** Gives up waiting after this long. @default 120 s */
  timeoutMs?: number;
  /** Runs the DM step (needs the webhook receiver subscribed at the emulator). */
  dm?: boolean;
  /** Real-time waiting between checks (injected in tests). */
  sleep?: (ms: number) => Promise<void>;
}

const img = (name: string) => `https://cdn.example.com/${name}.jpg?w=1080&h=1080`;
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runServiceDemo(options: ServiceDemoOptions): Promise<ServiceDemoSummary> {
  const { service, emulator } = options;
  const report = options.reporter ?? silentReporter;
  const sleep = options.sleep ?? realSleep;
  const steps = options.dm ? 4 : 3;
  const startedAt = service.now();
  const auditBefore = await countAudit(service);
  try {
    report.step(1, steps, 'Scheduling a carousel and a reel a few seconds ahead');
    const publishAt = new Date(service.now().getTime() + (options.leadSeconds ?? 3) * 1000);
    const accountId = emulator.account.igUserId;
    const carousel = await service.schedulePost({
      accountId,
      kind: 'carousel',
      caption: 'Three kinds of croissant',
      hashtags: ['bakery'],
      media: [{ url: img('plain') }, { url: img('almond') }, { url: img('chocolate') }],
      publishAt,
      actor: 'demo',
    });
    const reel = await service.schedulePost({
      accountId,
      kind: 'reel',
      caption: 'How we shape a baguette',
      media: [{ url: 'https://cdn.example.com/shaping.mp4?duration=12&w=1080&h=1920', kind: 'video' }],
      coverUrl: 'https://cdn.example.com/cover.jpg?w=1080&h=1920',
      publishAt,
      actor: 'demo',
    });
    report.info(`scheduled carousel ${carousel.id} and reel ${reel.id} for ${publishAt.toISOString()}`);

    report.step(2, steps, 'Waiting for the scheduler to publish them (container processing included)');
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    const done = (p: Post | undefined) =>
      p !== undefined && ['published', 'failed', 'needs_attention', 'cancelled'].includes(p.state);
    const seen = new Map<string, string>();
    let posts: Post[] = [];
    for (;;) {
      posts = (await Promise.all([carousel.id, reel.id].map((id) => getPost(service.db, id)))).filter(
        (p): p is Post => p !== undefined,
      );
      for (const p of posts)
        if (seen.get(p.id) !== p.state) {
          seen.set(p.id, p.state);
          if (p.state !== 'scheduled')
            report.info(
              `${p.kind}: ${p.state}${p.permalink ? ` ${p.permalink}` : ''}${p.lastError ? ` (${p.lastError.code})` : ''}`,
            );
        }
      if (posts.length === 2 && posts.every(done)) break;
      if (Date.now() > deadline) {
        report.info(
          'gave up waiting; the posts are still scheduled and will publish when the workers get to them',
        );
        break;
      }
      await sleep(250);
    }

    let messagesAnswered: number | undefined;
    if (options.dm) {
      report.step(3, steps, 'A customer sends a DM; the demo rule answers through webhook → worker → send');
      messagesAnswered = await dmRoundTrip(service, emulator, report, sleep, deadline);
    }

    report.step(steps, steps, 'Summary');
    const auditRows = (await countAudit(service)) - auditBefore;
    const summary: ServiceDemoSummary = {
      posts: posts.map((p) => ({
        id: p.id,
        kind: p.kind,
        state: p.state,
        ...(p.permalink ? { permalink: p.permalink } : {}),
      })),
      postsPublished: posts.filter((p) => p.state === 'published').length,
      ...(messagesAnswered !== undefined ? { messagesAnswered } : {}),
      auditRows,
      ok:
        posts.length === 2 &&
        posts.every((p) => p.state === 'published') &&
        (messagesAnswered === undefined || messagesAnswered >= 1),
    };
    report.info(
      `${summary.postsPublished} posts published` +
        (messagesAnswered !== undefined ? `, ${messagesAnswered} message(s) answered` : '') +
        `, ${auditRows} audit rows written since ${startedAt.toISOString()}`,
    );
    return summary;
  } finally {
    report.done();
  }
}

/** The emulated user writes; resolves how many replies to them the service sent (the demo rule answers once). */
async function dmRoundTrip(
  service: Service,
  emulator: EmbeddedEmulator,
  report: DemoReporter,
  sleep: (ms: number) => Promise<void>,
  deadline: number,
): Promise<number> {
  const accountId = emulator.account.igUserId;
  const userId = emulator.user.igsid;
  const { mid } = await emulator.emulator.control.userMessage(userId, {
    igUserId: accountId,
    text: 'Hi! Do you have gluten-free bread today?',
  });
  report.info(`@${emulator.user.username} (${userId}) sent a DM (${mid}); the webhook is signed and stored`);
  const end = Math.max(deadline, Date.now() + 60_000);
  const seen = new Set<string>();
  for (;;) {
    const messages = await listMessages(service.db, { accountId, userId, limit: 20 });
    for (const m of messages)
      if (!seen.has(`${m.id}:${m.status}`)) {
        seen.add(`${m.id}:${m.status}`);
        report.info(`${m.direction} message ${m.id.slice(0, 8)}…: ${m.status}`);
      }
    const sent = messages.filter((m) => m.direction === 'outbound' && m.status === 'sent').length;
    if (sent > 0) return sent;
    if (Date.now() > end) {
      report.info('no reply yet: see `igkit dead-letters` and the audit log');
      return 0;
    }
    await sleep(250);
  }
}

async function countAudit(service: Service): Promise<number> {
  const r = await service.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
  return r.rows[0]?.n ?? 0;
}

/** What to try next, printed after the demo. */
export function nextSteps(apiUrl: string): string[] {
  return [
    'Try next:',
    `  open ${apiUrl}/                     the dashboard (sign in with the API key above)`,
    `  open ${apiUrl}/docs                 the API reference`,
    '  npx igkit posts                     the demo posts and their state (needs IGKIT_API_KEY)',
    '  npx igkit post <id>                 one post with its timeline',
    '  npx igkit audit --limit 20          the audit trail (ids and outcomes, never tokens or text)',
    '  npx igkit send 60000007000000001 "Thanks!"   reply to the demo user (their DM opened the 24 h window)',
    "Permalinks point at the local emulator's made-up posts, not at real Instagram posts.",
  ];
}
