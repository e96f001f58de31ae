/**
 * The Conversations API readers against @igkit/emulator over real sockets, on both logins: conversations
 * (most recent first, `user_id` filter, paging), messages in both directions, one message with attachments,
 * the 20-most-recent rule and Meta's per-account rate (613) classified and waited out.
 * Emulated time stands still and moves only with the client's sleeps and the test's steps (nothing waits in
 * real time).
 */
import { type RunningEmulator, startEmulator } from '@igkit/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphClient, type GraphClientOptions } from '../../src/core/client.js';
import { isGraphApiError } from '../../src/core/errors.js';
import {
  getConversationMessage,
  listConversationMessages,
  listConversations,
} from '../../src/messaging/conversations.js';
import { coupledTime, EMULATOR_EPOCH } from '../helpers/emulator-time.js';

let emu: RunningEmulator;
let time: ReturnType<typeof coupledTime>;

beforeAll(async () => {
  emu = await startEmulator({ seed: 17, clock: { now: () => EMULATOR_EPOCH } });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await emu.control.reset();
  time = coupledTime(emu, EMULATOR_EPOCH);
});

function clientFor(accessToken: string, extra: Partial<GraphClientOptions> = {}): GraphClient {
  return new GraphClient({
    accessToken,
    host: emu.url,
    random: () => 0.5,
    clock: time.clock,
    sleep: time.sleep,
    ...extra,
  });
}

/** Meta's times have whole seconds (`2026-11-23T15:29:50+0000`). */
const metaSeconds = (ms: number) => Math.floor(ms / 1000) * 1000;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** An account with conversations: each user writes (1 s apart), and the account answers the first one. */
async function seeded(loginType: 'instagram' | 'facebook' = 'instagram') {
  const account = await emu.control.createAccount({ loginType, username: 'clinic' });
  const token = loginType === 'facebook' ? account.pageAccessToken : account.accessToken;
  const node = loginType === 'facebook' ? account.pageId : 'me';
  const users: Array<{ igsid: string; mid: string; at: number }> = [];
  for (const name of ['ana', 'ben', 'cy']) {
    await time.advance(1_000);
    const { igsid } = await emu.control.createUser({ username: name });
    const { mid, timestamp } = await emu.control.userMessage(igsid, {
      igUserId: account.igUserId,
      text: `hi from ${name}`,
    });
    users.push({ igsid, mid, at: timestamp });
  }
  await time.advance(1_000);
  const reply = await clientFor(token).request<{ message_id: string }>('POST', `/${node}/messages`, {
    json: { recipient: { id: users[0]!.igsid }, message: { text: 'hello ana' } },
  });
  await time.advance(1_000);
  return { account, token, node, users, replyMid: reply.data.message_id };
}

describe('listConversations', () => {
  it('lists the conversations most recent first, typed, following paging to the end', async () => {
    const { token, users } = await seeded();
    const pages: string[] = [];
    const c = clientFor(token, {
      hooks: { afterResponse: (e) => (e.status === 200 ? pages.push(e.url) : undefined) },
    });
    const conversations = await collect(
      listConversations(c, 'me', {
        limit: 1,
        fields: ['id', 'updated_time', 'participants', 'message_count'],
      }),
    );
    // ana's conversation has the latest message (the account's reply), then cy, then ben.
    expect(conversations.map((x) => x.participants?.[1]?.username)).toEqual(['ana', 'cy', 'ben']);
    expect(conversations[0]).toMatchObject({
      messageCount: 2,
      participants: [{ username: 'clinic' }, { id: users[0]!.igsid }],
    });
    expect(conversations[1]?.updatedAt).toBe(metaSeconds(users[2]!.at));
    expect(pages).toHaveLength(3); // one page per conversation (a 613 answer in between is retried)
    expect(pages[0]).toMatch(
      /\/v26\.0\/me\/conversations\?platform=instagram&fields=id%2Cupdated_time%2Cparticipants%2Cmessage_count&limit=1$/,
    );
    expect(pages.join(' ')).not.toContain(token);
  });

  it('filters by user (user_id) and works with a Page token on the Page id (Facebook Login)', async () => {
    const { token, node, users } = await seeded('facebook');
    const c = clientFor(token);
    const all = await collect(listConversations(c, node));
    expect(all).toHaveLength(3);
    expect(Object.keys(all[0] ?? {}).sort()).toEqual(['id', 'updatedAt']);
    const one = await collect(listConversations(c, node, { userId: users[1]!.igsid }));
    expect(one).toHaveLength(1);
    expect(one[0]?.updatedAt).toBe(metaSeconds(users[1]!.at));
  });
});

describe('conversation messages', () => {
  it('lists both directions newest first, and reads one message with its attachments', async () => {
    const { account, token, users, replyMid } = await seeded();
    const c = clientFor(token);
    const [conversation] = await collect(listConversations(c, 'me', { userId: users[0]!.igsid }));
    const messages = await collect(
      listConversationMessages(c, conversation!.id, {
        fields: ['id', 'created_time', 'from', 'to', 'message'],
      }),
    );
    expect(messages).toEqual([
      {
        id: replyMid,
        createdAt: expect.any(Number),
        from: { id: account.igUserId, username: 'clinic' },
        to: [{ id: users[0]!.igsid, username: 'ana' }],
        text: 'hello ana',
      },
      {
        id: users[0]!.mid,
        createdAt: metaSeconds(users[0]!.at),
        from: { id: users[0]!.igsid, username: 'ana' },
        to: [{ id: account.igUserId, username: 'clinic' }],
        text: 'hi from ana',
      },
    ]);

    const { mid } = await emu.control.userMessage(users[0]!.igsid, {
      igUserId: account.igUserId,
      attachments: [{ type: 'image', url: 'https://cdn.example.com/x-ray.png' }],
    });
    await time.advance(1_000);
    const photo = await getConversationMessage(c, mid);
    expect(photo).toMatchObject({
      id: mid,
      from: { id: users[0]!.igsid },
      attachments: [{ type: 'image', url: 'https://cdn.example.com/x-ray.png' }],
    });
  });

  it('a message older than the 20 most recent is refused: a GraphApiError the catalogue says to fix, not retry', async () => {
    const { account, token, users } = await seeded();
    for (let i = 0; i < 20; i++) {
      await emu.control.userMessage(users[1]!.igsid, { igUserId: account.igUserId, text: `more ${i}` });
    }
    await time.advance(1_000);
    const error = await getConversationMessage(clientFor(token), users[1]!.mid).catch((e: unknown) => e);
    expect(isGraphApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, code: 100, category: 'invalid_request', retryable: false });
    expect(time.sleeps).toEqual([]);
  });

  it("Meta's per-account rate for this API (613) is classified as a rate limit and waited out by the client", async () => {
    const { token, users } = await seeded();
    const strict = clientFor(token, { retry: false, governor: false });
    await getConversationMessage(strict, users[0]!.mid);
    await getConversationMessage(strict, users[1]!.mid);
    const refused = await getConversationMessage(strict, users[2]!.mid).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 613, category: 'rate_limit', retryable: true });

    // With its defaults the client retries after a backoff and the governor's hold, in emulated time.
    const patient = clientFor(token);
    expect((await getConversationMessage(patient, users[2]!.mid)).text).toBe('hi from cy');
    // Refused again until the emulated second is over: backoff 250 ms, then the governor's 1 s hold.
    expect(time.sleeps).toEqual([250, 750]);
  });
});
