/**
 * The webhook pipeline over real HTTP: the receiver, the durable inbox, the webhook-event worker, conversations,
 * the send path, dead letters, consent and Meta's app callbacks. Deliveries are signed and sent by the
 * emulator's own webhook sender where the scenario allows, and by the test (signed with the app secret) where
 * it needs a precise body.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../src/audit/audit-log.js';
import { getConversation } from '../src/store/conversations.js';
import { listDeadLetters } from '../src/store/dead-letters.js';
import { inboxCountsByKind, listInbox } from '../src/store/inbox.js';
import { getMessage, listMessages } from '../src/store/messages.js';
import { demoAutoReply, type WebhookHandlers } from '../src/webhooks/handlers.js';
import { signRequest } from '../src/webhooks/signed-request.js';
import { type Harness, harness } from './helpers/harness.js';
import { dm, type Receiver, startReceiver, subscribe } from './helpers/receiver.js';
import { ENGINES } from './helpers/store.js';
import { until } from './helpers/until.js';

/** Runs every pending webhook-event job through the handler (deterministic, no polling). */
async function drain(h: Harness): Promise<void> {
  for (const e of await listInbox(h.db, { status: 'pending', limit: 500 }))
    await h.service.handlers['webhook-event']({ inboxId: e.id });
}

async function sendQueued(h: Harness): Promise<void> {
  const r = await h.db.query<{ id: string }>(
    `SELECT id FROM messages WHERE status = 'queued' ORDER BY created_at`,
  );
  for (const { id } of r.rows) await h.service.handlers['send-message']({ messageId: id });
}

describe.each(ENGINES)('webhook pipeline (%s)', (engine) => {
  let h: Harness;
  let rx: Receiver;
  afterEach(async () => {
    await rx?.close();
    await h?.close();
  });
  const setup = async (handlers: WebhookHandlers[] = [], env: Record<string, string> = {}) => {
    h = await harness(engine, { webhookHandlers: handlers }, env);
    rx = await startReceiver(h);
  };

  it('answers the handshake only for the right token and a plain-token challenge', async () => {
    await setup();
    const get = (q: string) => fetch(`${rx.url}?${q}`);
    const ok = await get(
      `hub.mode=subscribe&hub.verify_token=${h.account.verifyToken}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    for (const q of [
      'hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1',
      `hub.mode=unsubscribe&hub.verify_token=${h.account.verifyToken}&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=${h.account.verifyToken}&hub.challenge=${encodeURIComponent('<script>x</script>')}`,
      `hub.mode=subscribe&hub.verify_token=${h.account.verifyToken}&hub.challenge=${encodeURIComponent('1\r\nSet-Cookie: a=b')}`,
      '',
    ])
      expect((await get(q)).status, q).toBe(403);
  });

  it('refuses missing, bad and sha1-only signatures (401, audited, nothing stored), oversize bodies (413) and keeps signed non-JSON (400)', async () => {
    await setup();
    const body = JSON.stringify(dm(h.account.igUserId, '9001', 'm_1', 'hello', h.clock.now()));
    expect((await rx.post(body)).status).toBe(401);
    expect((await rx.post(body, { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` })).status).toBe(401);
    expect(
      (await rx.post(body, { 'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567' })).status,
    ).toBe(401);
    const security = await queryAudit(h.db, { action: 'security.webhook_signature' });
    expect(security.map((r) => r.metadata['reason'])).toEqual(['missing', 'mismatch', 'sha1_only']);
    expect(await listInbox(h.db)).toEqual([]);

    const big = Buffer.alloc(h.service.config.webhookMaxBytes + 1, 'a');
    expect((await rx.post(big)).status).toBe(413);

    const notJson = '{"object": "instagram", "entry": [';
    const res = await rx.signedPost(notJson);
    expect(res.status).toBe(400);
    const [kept] = await listDeadLetters(h.db, { queue: 'webhook-receiver' });
    expect(kept).toMatchObject({ errorCode: 'INVALID_JSON', hasPayload: true });
    expect((await h.service.showDeadLetter(kept!.id, { canReadMessages: true })).payload).toBe(notJson);
    expect((await h.service.showDeadLetter(kept!.id, { canReadMessages: false })).payload).toBeUndefined();
    const raw = await h.db.query<{ t: string }>('SELECT payload_ciphertext AS t FROM dead_letters');
    expect(raw.rows[0]?.t).not.toContain('instagram');
  });

  it('stores each event of a batched delivery once, however often and in whatever order Meta delivers', async () => {
    await setup();
    const t = h.clock.now();
    const acc = h.account.igUserId;
    const batch = {
      object: 'instagram',
      entry: [
        {
          id: acc,
          time: t,
          messaging: [
            {
              sender: { id: '71' },
              recipient: { id: acc },
              timestamp: t,
              message: { mid: 'm_a', text: 'first' },
            },
          ],
        },
        {
          id: acc,
          time: t + 1000,
          messaging: [
            {
              sender: { id: '72' },
              recipient: { id: acc },
              timestamp: t + 1000,
              message: { mid: 'm_b', text: 'second' },
            },
            { sender: { id: '71' }, recipient: { id: acc }, timestamp: t + 2000, read: { mid: 'm_out' } },
          ],
          changes: [
            {
              field: 'comments',
              value: { id: 'c_1', text: 'nice', from: { id: '73', username: 'u' }, media: { id: '555' } },
            },
          ],
        },
      ],
    };
    expect((await rx.signedPost(batch)).status).toBe(200);
    expect((await rx.signedPost(batch)).status).toBe(200); // Meta's retry
    // An older message from user 71 arrives after the newer one: the window keeps the newer time.
    expect((await rx.signedPost(dm(acc, '71', 'm_old', 'earlier', t - 60_000))).status).toBe(200);
    const inbox = await listInbox(h.db, { limit: 100 });
    expect(inbox.map((e) => e.kind).sort()).toEqual(['comment', 'message', 'message', 'message', 'read']);
    const jobs = await h.db.query(`SELECT 1 FROM ${h.db.schema}_jobs.job WHERE name = 'webhook-event'`);
    expect(jobs.rowCount).toBe(5);
    await drain(h);
    await drain(h); // redelivered jobs are no-ops
    expect((await listInbox(h.db, { status: 'processed', limit: 100 })).length).toBe(5);
    const conv = await getConversation(h.db, acc, '71');
    expect(conv?.lastInboundAt?.getTime()).toBe(t);
    expect(conv?.lastReadMid).toBe('m_out');
    expect(await listMessages(h.db, { accountId: acc, userId: '71' })).toHaveLength(2);
    expect((await queryAudit(h.db, { action: 'webhook.processed', limit: 100 })).length).toBe(5);
  });

  it('stores every payload family Meta sends, including the dashboard test shape, none dropped', async () => {
    await setup([demoAutoReply]);
    const acc = h.account.igUserId;
    const t = h.clock.now();
    const item = (extra: Record<string, unknown>, n: number) => ({
      sender: { id: '501' },
      recipient: { id: acc },
      timestamp: t + n,
      ...extra,
    });
    const body = {
      object: 'instagram',
      entry: [
        {
          id: acc,
          time: t,
          messaging: [
            item(
              {
                message: {
                  mid: 'mA',
                  text: 'photo',
                  attachments: [{ type: 'image', payload: { url: 'https://cdn.example.com/x.jpg' } }],
                },
              },
              1,
            ),
            item(
              {
                message: {
                  mid: 'mB',
                  text: 'story reply',
                  reply_to: { story: { id: '1', url: 'https://x' } },
                },
              },
              2,
            ),
            item({ message: { mid: 'mC', text: 'Yes', quick_reply: { payload: 'YES' } } }, 3),
            item({ reaction: { mid: 'mA', action: 'react', reaction: 'love', emoji: '❤' } }, 4),
            item({ postback: { mid: 'mD', title: 'Start', payload: 'GET_STARTED' } }, 5),
            item({ referral: { ref: 'ad1', source: 'ADS', type: 'OPEN_THREAD' } }, 6),
            item({ message_edit: { mid: 'mA', text: 'edited', num_edit: 1 } }, 7),
            item({ message: { mid: 'mE', is_deleted: true } }, 8),
          ],
          changes: [
            {
              field: 'live_comments',
              value: { id: 'lc1', text: 'live!', from: { id: '502' }, media: { id: '77' } },
            },
            { field: 'mentions', value: { media_id: '78', comment_id: 'c9' } },
            { field: 'story_insights', value: { media_id: '79', reach: 5 } },
          ],
        },
      ],
    };
    expect((await rx.signedPost(body)).status).toBe(200);
    // The App Dashboard's "Test" button shape: messaging inside changes, made-up ids.
    const test = {
      object: 'instagram',
      entry: [
        {
          id: '0',
          time: Math.floor(t / 1000),
          changes: [
            {
              field: 'messages',
              value: {
                sender: { id: '12334' },
                recipient: { id: '23245' },
                timestamp: '1527459824',
                message: { mid: 'random_mid', text: 'random_text' },
              },
            },
          ],
        },
      ],
    };
    expect((await rx.signedPost(test)).status).toBe(200);
    const inbox = await listInbox(h.db, { limit: 100 });
    expect(inbox).toHaveLength(12);
    const kinds = inbox.map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'message',
        'reaction',
        'postback',
        'referral',
        'live_comment',
        'mention',
        'message_delete',
      ]),
    );
    expect(kinds.filter((k) => k.startsWith('unknown:'))).toEqual(
      expect.arrayContaining(['unknown:story_insights']),
    );
    expect(inbox.find((e) => e.dedupeKey.includes('random_mid') || e.senderId === '12334')?.testPayload).toBe(
      true,
    );
    await drain(h);
    expect((await listInbox(h.db, { status: 'processed', limit: 100 })).length).toBe(12);
    // The demo rule never answers the dashboard's test payload (made-up users).
    const toTestUser = await h.db.query(
      `SELECT 1 FROM messages WHERE user_id = '12334' AND direction = 'outbound'`,
    );
    expect(toTestUser.rowCount).toBe(0);
  });

  it('keeps the seed contract sendInstagramMessage usable with its audit sink wired to the audit table', async () => {
    await setup();
    await subscribe(h, rx.url);
    const { igsid } = await h.emu.control.createUser({ username: 's' });
    await h.emu.control.userMessage(igsid, { igUserId: h.account.igUserId, text: 'hi' });
    const { createInstagramService } = await import('@igkit/graph');
    const { auditSink } = await import('../src/audit/audit-log.js');
    const dmService = createInstagramService({
      accessToken: h.account.accessToken,
      baseUrl: h.emu.url,
      audit: auditSink(h.db, h.service.log),
    });
    const sent = await dmService.sendInstagramMessage(igsid, 'Seed contract text', 'corr-seed-1');
    expect(sent.message_id).toBeTruthy();
    // The sink writes without blocking the send; wait for the row.
    const rows = await until(
      () => queryAudit(h.db, { correlationId: 'corr-seed-1' }),
      (r) => r.length > 0,
    );
    expect(rows[0]).toMatchObject({
      action: 'send_message',
      outcome: 'success',
      resource_type: 'instagram_message',
    });
    expect(JSON.stringify(rows)).not.toContain('Seed contract text');
  });

  it('keeps numeric ids above 2^53 exact from the raw delivery to the inbox', async () => {
    await setup();
    const big = '17841400000000003';
    const raw = `{"object":"instagram","entry":[{"id":${h.account.igUserId},"time":${h.clock.now()},"messaging":[{"sender":{"id":${big}},"recipient":{"id":${h.account.igUserId}},"timestamp":${h.clock.now()},"message":{"mid":"m_big","text":"hi"}}]}]}`;
    expect((await rx.signedPost(raw)).status).toBe(200);
    const [entry] = await listInbox(h.db);
    expect(entry?.senderId).toBe(big);
  });

  it('stores unknown kinds as such and counts them', async () => {
    await setup();
    const body = {
      object: 'instagram',
      entry: [
        {
          id: h.account.igUserId,
          time: h.clock.now(),
          changes: [{ field: 'story_insights', value: { media_id: '1', reach: 3 } }],
        },
      ],
    };
    expect((await rx.signedPost(body)).status).toBe(200);
    const counts = await inboxCountsByKind(h.db);
    expect(
      Object.entries(counts).filter(([k]) => k.startsWith('unknown:') || k === 'story_insights'),
    ).not.toEqual([]);
  });

  it('runs a DM from the emulator through webhook → worker → demo rule → send → echo, with nothing readable in the audit', async () => {
    await setup([demoAutoReply]);
    await subscribe(h, rx.url);
    const { igsid } = await h.emu.control.createUser({ username: 'customer' });
    const secretText = 'My prescription number is 4711';
    await h.emu.control.userMessage(igsid, { igUserId: h.account.igUserId, text: secretText });
    await h.emu.control.webhooksIdle();
    await drain(h);
    await sendQueued(h);
    await h.emu.control.webhooksIdle(); // the echo of our reply
    await drain(h);
    const messages = await listMessages(h.db, { accountId: h.account.igUserId, userId: igsid });
    expect(messages.map((m) => [m.direction, m.status]).sort()).toEqual([
      ['inbound', 'received'],
      ['outbound', 'sent'],
    ]);
    const reply = messages.find((m) => m.direction === 'outbound');
    expect(reply?.mid).toBeTruthy();
    const truth = await h.emu.control.state();
    expect((truth.messages as unknown[]).length).toBe(2);
    const audit = JSON.stringify(await queryAudit(h.db, { limit: 1000 }));
    expect(audit).not.toContain(secretText);
    expect(audit).not.toContain('Thanks for your message');
    expect(audit).not.toContain(h.account.accessToken);
    const dump = await h.db.query<{ t: string }>(
      `SELECT string_agg(row_to_json(m)::text, '') AS t FROM messages m`,
    );
    expect(dump.rows[0]?.t).not.toContain(secretText);
  });

  it('feeds the window into the send policy: inside 24 h sends, outside is refused (typed, audited), HUMAN_AGENT up to 7 days', async () => {
    await setup();
    const acc = h.account.igUserId;
    await h.emu.control.settings(acc, { humanAgent: true }); // the app has Meta's human_agent permission
    await expect(
      h.service.sendMessage({ accountId: acc, recipientId: '4242', text: 'hi' }),
    ).rejects.toMatchObject({
      code: 'MESSAGING_WINDOW_CLOSED',
      details: { reason: 'no_user_message' },
    });
    await subscribe(h, rx.url);
    const { igsid } = await h.emu.control.createUser({ username: 'w' });
    await h.emu.control.userMessage(igsid, { igUserId: acc, text: 'question' }); // opens Meta's window too
    await h.emu.control.webhooksIdle();
    await drain(h);
    const inside = await h.service.sendMessage({ accountId: acc, recipientId: igsid, text: 'answer' });
    await sendQueued(h);
    expect((await getMessage(h.db, inside.id))?.status).toBe('sent');
    h.clock.advance(25 * 3600_000);
    await expect(
      h.service.sendMessage({ accountId: acc, recipientId: igsid, text: 'late' }),
    ).rejects.toMatchObject({
      code: 'MESSAGING_WINDOW_CLOSED',
      details: { humanAgentEligible: true },
    });
    const human = await h.service.sendMessage({
      accountId: acc,
      recipientId: igsid,
      text: 'from a person',
      humanAgent: true,
    });
    await sendQueued(h);
    expect(await getMessage(h.db, human.id)).toMatchObject({ status: 'sent', tag: 'HUMAN_AGENT' });
    expect((await queryAudit(h.db, { action: 'message.refused' })).map((r) => r.outcome)).toEqual([
      'MESSAGING_WINDOW_CLOSED',
      'MESSAGING_WINDOW_CLOSED',
    ]);
  });

  it('settles an unknown send by its echo, never sending it twice', async () => {
    await setup();
    await subscribe(h, rx.url);
    const acc = h.account.igUserId;
    const { igsid } = await h.emu.control.createUser({ username: 'e' });
    await h.emu.control.userMessage(igsid, { igUserId: acc, text: 'hello' });
    await h.emu.control.webhooksIdle();
    await drain(h);
    await h.emu.control.setFault({ method: 'POST', path: '*', times: 1, dropAfterCommit: true });
    const m = await h.service.sendMessage({ accountId: acc, recipientId: igsid, text: 'did this arrive?' });
    await sendQueued(h);
    expect((await getMessage(h.db, m.id))?.status).toBe('unknown');
    await h.service.handlers['send-message']({ messageId: m.id }); // a redelivered job does nothing
    await h.emu.control.webhooksIdle();
    await drain(h);
    const settled = await getMessage(h.db, m.id);
    expect(settled?.status).toBe('sent');
    expect(settled?.mid).toBeTruthy();
    const sent = ((await h.emu.control.state()).messages as Array<{ from?: string; text?: string }>).filter(
      (x) => x.text === 'did this arrive?',
    );
    expect(sent).toHaveLength(1);
    expect(await queryAudit(h.db, { action: 'message.reconciled' })).toHaveLength(1);
  });

  it('drains a conversation in order, one settle transaction per send with its Graph call audited in it; the lease is released; a refused send fails with its call audited', async () => {
    await setup();
    await subscribe(h, rx.url);
    const acc = h.account.igUserId;
    const { igsid } = await h.emu.control.createUser({ username: 'd' });
    await h.emu.control.userMessage(igsid, { igUserId: acc, text: 'hello' });
    await h.emu.control.webhooksIdle();
    await drain(h);
    const ids: string[] = [];
    for (const text of ['first words', 'second words', 'third words']) {
      ids.push((await h.service.sendMessage({ accountId: acc, recipientId: igsid, text })).id);
      h.clock.advance(1); // distinct creation times: sends go out in creation order
    }
    await h.service.handlers['send-message']({ messageId: ids[0] as string }); // one job drains all three
    for (const id of ids) expect((await getMessage(h.db, id))?.status).toBe('sent');
    const delivered = (
      (await h.emu.control.state()).messages as Array<{ igsid: string; direction: string; text?: string }>
    )
      .filter((x) => x.igsid === igsid && x.direction === 'outbound')
      .map((x) => x.text);
    expect(delivered).toEqual(['first words', 'second words', 'third words']);
    const sends = (await queryAudit(h.db, { limit: 1000 })).filter(
      (r) => r.action === 'graph.message_send' || r.action === 'message.sent',
    );
    // Each call's row comes with (just before) the settle's row of the same message.
    expect(sends.map((r) => r.action)).toEqual(Array(3).fill(['graph.message_send', 'message.sent']).flat());
    expect(sends.filter((r) => r.action === 'message.sent').map((r) => r.resource_id)).toEqual(ids);
    const conv = await h.db.query<{ send_lease_owner: string | null; last_outbound_at: Date | null }>(
      'SELECT send_lease_owner, last_outbound_at FROM conversations WHERE account_id = $1 AND user_id = $2',
      [acc, igsid],
    );
    expect(conv.rows[0]?.send_lease_owner).toBeNull();
    expect(conv.rows[0]?.last_outbound_at).not.toBeNull();

    // Meta refuses a send for good (a 4xx): the message fails with the reason, and the refused call's audit row
    // is written with that settle.
    await h.emu.control.setFault({
      method: 'POST',
      path: '*',
      times: 1,
      error: { code: 100, message: 'Invalid parameter' },
    });
    const m = await h.service.sendMessage({ accountId: acc, recipientId: igsid, text: 'fourth words' });
    await h.service.handlers['send-message']({ messageId: m.id });
    expect((await getMessage(h.db, m.id))?.status).toBe('failed');
    const calls = await queryAudit(h.db, { action: 'graph.message_send', limit: 100 });
    expect(calls.map((r) => r.outcome)).toEqual(['success', 'success', 'success', 'failure']);
    expect((await queryAudit(h.db, { action: 'message.failed' }))[0]).toMatchObject({ resource_id: m.id });
    const audit = JSON.stringify(await queryAudit(h.db, { limit: 1000 }));
    for (const secret of ['first words', 'third words', 'fourth words', h.account.accessToken])
      expect(audit).not.toContain(secret);
  });

  it('marks an unknown send without an echo for review at its deadline', async () => {
    await setup();
    const acc = h.account.igUserId;
    const { igsid } = await h.emu.control.createUser({ username: 'r' });
    await rx.signedPost(dm(acc, igsid, 'm_r1', 'hi', h.clock.now()));
    await drain(h);
    await h.emu.control.setFault({ method: 'POST', path: '*', times: 1, dropAfterCommit: true });
    const m = await h.service.sendMessage({ accountId: acc, recipientId: igsid, text: 'lost answer' });
    await sendQueued(h);
    expect((await getMessage(h.db, m.id))?.status).toBe('unknown');
    await h.service.handlers['settle-send']({ messageId: m.id });
    expect((await getMessage(h.db, m.id))?.status).toBe('review');
    await expect(h.service.replayDeadLetter('1', { actor: 't' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('retries a throwing handler, dead-letters the event, and a replay processes it exactly once', async () => {
    let failures = 0;
    let successes = 0;
    let fail = true;
    await setup([
      {
        async onMessage(_e, ctx) {
          if (fail) {
            failures++;
            throw new Error('handler bug');
          }
          await ctx.reply('handled');
          successes++;
        },
      },
    ]);
    const acc = h.account.igUserId;
    const { igsid } = await h.emu.control.createUser({ username: 'd' });
    await rx.signedPost(dm(acc, igsid, 'm_d1', 'please', h.clock.now()));
    const [entry] = await listInbox(h.db);
    // What pg-boss does on each failed attempt: run again; after the limit: the dead-letter handler.
    for (let attempt = 0; attempt < 3; attempt++)
      await expect(h.service.handlers['webhook-event']({ inboxId: entry!.id })).rejects.toThrow(
        'handler bug',
      );
    await h.service.startWorkers();
    await h.service.boss.send('webhook-event-dlq', { inboxId: entry!.id });
    const dead = await until(
      () => listDeadLetters(h.db, { queue: 'webhook-event' }),
      (r) => r.length === 1,
    );
    // The dead-letter row is stored first, then the inbox row is marked: wait for both.
    await until(
      () => listInbox(h.db),
      (r) => r[0]?.status === 'dead',
    );
    fail = false;
    const replay = await h.service.replayDeadLetter(dead[0]!.id, { actor: 'ops' });
    expect(replay.result).toBe('requeued');
    await until(
      () => listInbox(h.db),
      (r) => r[0]?.status === 'processed',
    );
    await expect(h.service.replayDeadLetter(dead[0]!.id, { actor: 'ops' })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    const replies = await h.db.query(`SELECT 1 FROM messages WHERE direction = 'outbound'`);
    expect(replies.rowCount).toBe(1);
    expect(successes).toBe(1);
    expect(failures).toBeGreaterThanOrEqual(3);
    // Running the event again after processing is a no-op.
    await h.service.handlers['webhook-event']({ inboxId: entry!.id });
    expect(successes).toBe(1);
    expect((await queryAudit(h.db, { action: 'dead_letter.replay' }))[0]).toMatchObject({
      actor: 'ops',
      outcome: 'requeued',
    });
  });

  it('honours opt-out and opt-in keywords and the consent-required mode', async () => {
    await setup([], { IGKIT_CONSENT_REQUIRED: 'true' });
    const acc = h.account.igUserId;
    const { igsid } = await h.emu.control.createUser({ username: 'c' });
    await rx.signedPost(dm(acc, igsid, 'm_c1', 'hi there', h.clock.now()));
    await drain(h);
    await expect(
      h.service.sendMessage({ accountId: acc, recipientId: igsid, text: 'offer' }),
    ).rejects.toMatchObject({ code: 'CONSENT_REQUIRED' });
    await rx.signedPost(dm(acc, igsid, 'm_c2', ' start ', h.clock.now() + 1));
    await drain(h);
    const ok = await h.service.sendMessage({ accountId: acc, recipientId: igsid, text: 'welcome' });
    await rx.signedPost(dm(acc, igsid, 'm_c3', 'STOP', h.clock.now() + 2));
    await drain(h);
    await sendQueued(h); // the queued message is refused at send time: the user opted out meanwhile
    expect((await getMessage(h.db, ok.id))?.status).toBe('refused');
    await expect(
      h.service.sendMessage({ accountId: acc, recipientId: igsid, text: 'more' }),
    ).rejects.toMatchObject({ code: 'OPTED_OUT' });
    expect((await queryAudit(h.db, { resourceType: 'ig_user' })).map((r) => r.action)).toEqual(
      expect.arrayContaining(['consent.opt_in', 'consent.opt_out', 'message.refused']),
    );
  });

  it('purges stored text after the retention period, keeping metadata, and audits the purge', async () => {
    await setup([], { IGKIT_MESSAGE_RETENTION_DAYS: '30' });
    const acc = h.account.igUserId;
    await rx.signedPost(dm(acc, '8080', 'm_p1', 'old words', h.clock.now()));
    await drain(h);
    h.clock.advance(31 * 86_400_000);
    await rx.signedPost(dm(acc, '8080', 'm_p2', 'new words', h.clock.now()));
    await drain(h);
    expect(await h.service.purgeMessages()).toEqual({ messages: 1, webhookPayloads: 1 });
    const rows = await listMessages(h.db, { accountId: acc, userId: '8080' });
    expect(rows.map((m) => [m.mid, m.textCiphertext === undefined, m.byteLength])).toEqual([
      ['m_p2', false, 9],
      ['m_p1', true, 9],
    ]);
    expect((await queryAudit(h.db, { action: 'messages.purge' }))[0]?.metadata).toMatchObject({
      messages: 1,
      retentionDays: 30,
    });
  });

  it("erases a user's messages on Meta's data-deletion callback, refusing forged and expired requests", async () => {
    await setup();
    const acc = h.account.igUserId;
    await rx.signedPost(dm(acc, '6060', 'm_x1', 'delete me', h.clock.now()));
    await drain(h);
    const base = rx.url;
    const form = (signed: string) =>
      fetch(`${base}/data-deletion`, {
        method: 'POST',
        body: `signed_request=${encodeURIComponent(signed)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const issued = Math.floor(h.clock.now() / 1000);
    const forged = signRequest(
      { algorithm: 'HMAC-SHA256', user_id: '6060', issued_at: issued },
      'not-the-secret',
    );
    expect((await form(forged)).status).toBe(400);
    const expired = signRequest(
      { algorithm: 'HMAC-SHA256', user_id: '6060', issued_at: issued - 3 * 86_400 },
      h.account.appSecret,
    );
    expect((await form(expired)).status).toBe(400);
    expect(await listMessages(h.db, { accountId: acc, userId: '6060' })).toHaveLength(1);

    const res = await form(
      signRequest({ algorithm: 'HMAC-SHA256', user_id: '6060', issued_at: issued }, h.account.appSecret),
    );
    expect(res.status).toBe(200);
    const { url, confirmation_code } = (await res.json()) as { url: string; confirmation_code: string };
    expect(url).toBe(`${base}/data-deletion/${confirmation_code}`);
    expect(await listMessages(h.db, { accountId: acc, userId: '6060' })).toEqual([]);
    expect(await getConversation(h.db, acc, '6060')).toBeUndefined();
    const status = await fetch(url);
    expect(await status.json()).toMatchObject({ confirmation_code, status: 'completed' });
    const deauth = await fetch(`${base}/deauthorize`, {
      method: 'POST',
      body: `signed_request=${encodeURIComponent(signRequest({ algorithm: 'HMAC-SHA256', user_id: '6060', issued_at: issued }, h.account.appSecret))}`,
    });
    expect(deauth.status).toBe(200);
    expect(
      (await queryAudit(h.db, { resourceType: 'ig_user', resourceId: '6060' })).map((r) => r.action),
    ).toEqual(['user.data_deletion', 'user.deauthorize']);
  });
});
