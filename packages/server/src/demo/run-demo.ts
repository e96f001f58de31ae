/**
 * `igkit demo`: everything igkit does, end to end, against the local emulator — no Meta credentials.
 * Publishes a feed image, a carousel, a reel with cover and a story through `InstagramConnector`,
 * reads insights, then runs a DM round trip: signed webhook in, reply through the messaging service,
 * echo webhook back. Finishes by checking the emulator's ground truth (one post per publish, no
 * duplicates) and that no audit event carries the token or the message text.
 */

import { startEmulator } from '@igkit/emulator';
import {
  createInstagramService,
  GraphClient,
  InstagramConnector,
  type MessagingAuditEvent,
  type MessagingSecurityEvent,
  type PublishResult,
} from '@igkit/graph';
import { type DemoReporter, silentReporter } from './reporter.js';
import { startWebhookReceiver } from './webhook-receiver.js';

export interface DemoOptions {
  reporter?: DemoReporter;
  /** Emulated video processing time; the emulator clock runs with wall time, so this is real waiting. */
  videoProcessingMs?: number;
}

export interface DemoSummary {
  published: Array<{ kind: string; id: string; url?: string }>;
  failures: Array<{ kind: string; code: string }>;
  insights: Record<string, number>;
  dm: { inboundMid: string; replyMid: string; echoReceived: boolean };
  groundTruth: { posts: number; duplicatePublishes: number; messages: number; webhookDeliveries: number };
  auditEvents: number;
  /** True when no audit/security event contains the access token or any message text. */
  privacyClean: boolean;
}

const STEPS = 8;
const img = (w: number, h: number, name: string) => `https://cdn.example.com/${name}.jpg?w=${w}&h=${h}`;

export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const report = options.reporter ?? silentReporter;
  const emu = await startEmulator({ port: 0, seed: 7 });
  try {
    report.step(1, STEPS, 'Starting the local Graph API emulator');
    const account = await emu.control.createAccount({ username: 'demo_bakery', loginType: 'instagram' });
    await emu.control.settings(account.igUserId, { videoProcessingMs: options.videoProcessingMs ?? 2500 });
    report.info(`emulator ${emu.url}, account @demo_bakery (${account.igUserId})`);

    const ig = new InstagramConnector({
      accessToken: account.accessToken,
      instagramAccountId: account.igUserId,
      host: emu.url,
    });
    if (!(await ig.verifyCredentials())) throw new Error('demo: the emulator rejected the demo credentials');

    const published: DemoSummary['published'] = [];
    const failures: DemoSummary['failures'] = [];
    const record = (kind: string, result: PublishResult) => {
      if (result.success && result.platformPostId) {
        published.push({
          kind,
          id: result.platformPostId,
          ...(result.publishedUrl ? { url: result.publishedUrl } : {}),
        });
        report.info(`${kind}: published ${result.platformPostId} ${result.publishedUrl ?? ''}`.trimEnd());
      } else {
        failures.push({ kind, code: result.error?.code ?? 'UNKNOWN' });
        report.info(`${kind}: failed ${result.error?.code} (retryable: ${result.error?.retryable})`);
      }
    };

    report.step(2, STEPS, 'Publishing a feed image with hashtags');
    record(
      'feed image',
      await ig.publishFeedPost({
        caption: 'Sourdough, fresh out of the oven',
        hashtags: ['bakery', '#sourdough', 'Bakery'],
        mediaUrls: [img(1080, 1350, 'loaf')],
      }),
    );

    report.step(3, STEPS, 'Publishing a carousel of three images');
    record(
      'carousel',
      await ig.publishCarousel({
        caption: 'Three kinds of croissant',
        mediaUrls: [img(1080, 1080, 'plain'), img(1080, 1080, 'almond'), img(1080, 1080, 'chocolate')],
      }),
    );

    report.step(4, STEPS, 'Publishing a reel with a cover (waits for video processing)');
    record(
      'reel',
      await ig.publishReel({
        caption: 'How we shape a baguette',
        mediaUrls: ['https://cdn.example.com/shaping.mp4?duration=12&w=1080&h=1920'],
        thumbnailUrl: img(1080, 1920, 'cover'),
      }),
    );

    report.step(5, STEPS, 'Publishing an image story');
    record('story', await ig.publishStory({ mediaUrls: [img(1080, 1920, 'story')] }, 'image'));

    report.step(6, STEPS, 'Reading insights of the feed post');
    const first = published[0];
    const insights = first ? await ig.getMediaInsights(first.id) : {};
    const numeric: Record<string, number> = {};
    for (const [k, v] of Object.entries(insights)) if (typeof v === 'number') numeric[k] = v;
    report.info(
      Object.entries(numeric)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    );

    report.step(7, STEPS, 'DM round trip: signed webhook in, reply out, echo back');
    const dm = await dmRoundTrip(emu, account, report);

    report.step(8, STEPS, 'Checking ground truth and privacy');
    await emu.control.webhooksIdle();
    const truth = await emu.control.state();
    const serialized = JSON.stringify(dm.auditTrail);
    const privacyClean = ![account.accessToken, ...dm.texts].some((secret) => serialized.includes(secret));
    const summary: DemoSummary = {
      published,
      failures,
      insights: numeric,
      dm: { inboundMid: dm.inboundMid, replyMid: dm.replyMid, echoReceived: dm.echoReceived },
      groundTruth: {
        posts: (truth.media as Array<{ isCarouselChild?: boolean }>).filter((m) => !m.isCarouselChild).length,
        duplicatePublishes: truth.duplicatePublishes.length,
        messages: truth.messages.length,
        webhookDeliveries: truth.webhookDeliveries.length,
      },
      auditEvents: dm.auditTrail.length,
      privacyClean,
    };
    report.info(
      `emulator ground truth: ${summary.groundTruth.posts} posts, ${summary.groundTruth.duplicatePublishes} duplicate publishes, ` +
        `${summary.groundTruth.messages} messages, ${summary.groundTruth.webhookDeliveries} webhook deliveries`,
    );
    report.info(
      `${summary.auditEvents} audit events, token and message text absent: ${privacyClean ? 'yes' : 'NO'}`,
    );
    return summary;
  } finally {
    report.done();
    await emu.close();
  }
}

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Account = Awaited<ReturnType<Emulator['control']['createAccount']>>;

async function dmRoundTrip(emu: Emulator, account: Account, report: DemoReporter) {
  const receiver = await startWebhookReceiver({
    appSecret: account.appSecret,
    verifyToken: account.verifyToken,
  });
  try {
    // Subscribe the app (Meta performs the GET handshake against the receiver) and the account.
    const appToken = `${account.appId}|${account.appSecret}`;
    await new GraphClient({ accessToken: appToken, host: emu.url }).post(`/${account.appId}/subscriptions`, {
      object: 'instagram',
      callback_url: receiver.url,
      fields: 'messages',
      verify_token: account.verifyToken,
    });
    await new GraphClient({ accessToken: account.accessToken, host: emu.url }).post('/me/subscribed_apps', {
      subscribed_fields: 'messages',
    });

    const inboundText = 'Hi! Do you have gluten-free bread today?';
    const replyText = 'We do: buckwheat loaves until 2 pm.';
    const { igsid } = await emu.control.createUser({ username: 'hungry_customer' });
    const { mid: inboundMid } = await emu.control.userMessage(igsid, {
      igUserId: account.igUserId,
      text: inboundText,
    });
    const [inbound] = await receiver.waitFor(1);
    report.info(`webhook: ${inbound?.type} from ${igsid} (signature verified)`);

    const auditTrail: Array<MessagingAuditEvent | MessagingSecurityEvent> = [];
    const service = createInstagramService({
      accessToken: account.accessToken,
      baseUrl: emu.url,
      audit: {
        logAuditEvent: (e) => {
          auditTrail.push(e);
        },
        logSecurityEvent: (e) => {
          auditTrail.push(e);
        },
      },
    });
    const sent = await service.sendInstagramMessage(igsid, replyText, 'demo-correlation-1');
    report.info(`reply sent: ${sent.message_id}`);

    const events = await receiver.waitFor(2);
    const echoReceived = events.some((e) => e.type === 'echo' && e.message.mid === sent.message_id);
    report.info(
      `webhook: echo of our reply ${echoReceived ? 'received' : 'MISSING'}; rejected: ${receiver.rejected}`,
    );
    return {
      inboundMid,
      replyMid: sent.message_id,
      echoReceived,
      auditTrail,
      texts: [inboundText, replyText],
    };
  } finally {
    await receiver.close();
  }
}
