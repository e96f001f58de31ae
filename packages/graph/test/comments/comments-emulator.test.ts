/**
 * The comments module against @igkit/emulator over real sockets: list (newest first, paged), replies
 * (oldest first), get, comment and reply as the account, hide/unhide, delete, a private reply through
 * `MessagingClient`, and Meta's refusals classified by the catalogue. Emulated time stands still and moves
 * only when a test says so.
 */
import { type RunningEmulator, startEmulator } from '@igkit/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { privateReplyToComment } from '../../src/comments/private-reply.js';
import { getComment, listComments, listReplies } from '../../src/comments/read.js';
import { createComment, deleteComment, replyToComment, setCommentHidden } from '../../src/comments/write.js';
import { GraphClient } from '../../src/core/client.js';
import { MessagingClient } from '../../src/messaging/client.js';
import { MessagingPolicyError } from '../../src/messaging/errors.js';
import { coupledTime, EMULATOR_EPOCH } from '../helpers/emulator-time.js';

let emu: RunningEmulator;
let time: ReturnType<typeof coupledTime>;

beforeAll(async () => {
  emu = await startEmulator({ seed: 19, clock: { now: () => EMULATOR_EPOCH } });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await emu.control.reset();
  time = coupledTime(emu, EMULATOR_EPOCH);
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** An account with one published image, and a GraphClient for it. */
async function withPost(loginType: 'instagram' | 'facebook' = 'facebook') {
  const account = await emu.control.createAccount({ loginType, username: 'clinic' });
  const client = new GraphClient({
    accessToken: account.accessToken,
    host: emu.url,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
  });
  const { id: creationId } = await client.post<{ id: string }>(`/${account.igUserId}/media`, {
    image_url: 'https://cdn.example.com/post.jpg',
    caption: 'open today',
  });
  const { id: mediaId } = await client.post<{ id: string }>(`/${account.igUserId}/media_publish`, {
    creation_id: creationId,
  });
  const { igsid } = await emu.control.createUser({ username: 'ana' });
  return { account, client, mediaId, igsid };
}

const metaSeconds = (ms: number) => Math.floor(ms / 1000) * 1000;

describe('reading comments', () => {
  it('lists top-level comments newest first across pages, typed', async () => {
    const { account, client, mediaId, igsid } = await withPost();
    const ids: string[] = [];
    for (const text of ['first', 'second', 'third']) {
      await time.advance(1_000);
      ids.push((await emu.control.userComment(igsid, { igUserId: account.igUserId, mediaId, text })).id);
    }
    const pages: string[] = [];
    const paged = new GraphClient({
      accessToken: account.accessToken,
      host: emu.url,
      hooks: { afterResponse: (e) => pages.push(e.url) },
    });
    const comments = await collect(listComments(paged, mediaId, { limit: 2 }));
    expect(comments.map((c) => c.text)).toEqual(['third', 'second', 'first']);
    expect(comments.map((c) => c.id)).toEqual([...ids].reverse());
    expect(pages).toHaveLength(2);
    expect(comments[0]).toEqual({
      id: ids[2],
      text: 'third',
      createdAt: metaSeconds(time.now),
      username: 'ana',
      from: { id: igsid, username: 'ana' },
      hidden: false,
      likeCount: expect.any(Number),
      mediaId,
    });
    expect(await getComment(client, ids[0]!, { fields: ['id', 'text'] })).toEqual({
      id: ids[0],
      text: 'first',
    });
  });

  it('replies: the user’s and the account’s, oldest first; a reply has a parent and no `from` when it is the account’s', async () => {
    const { account, client, mediaId, igsid } = await withPost('instagram');
    const { id: top } = await emu.control.userComment(igsid, {
      igUserId: account.igUserId,
      mediaId,
      text: 'open on sunday?',
    });
    await time.advance(1_000);
    await emu.control.userComment(igsid, {
      igUserId: account.igUserId,
      mediaId,
      text: 'asking for my mum',
      parentId: top,
    });
    await time.advance(1_000);
    const { id: ours } = await replyToComment(client, top, 'Yes, 10 to 14.');
    const replies = await collect(listReplies(client, top));
    expect(replies.map((r) => [r.text, r.parentId])).toEqual([
      ['asking for my mum', top],
      ['Yes, 10 to 14.', top],
    ]);
    const mine = await getComment(client, ours);
    expect(mine).toMatchObject({ id: ours, username: 'clinic', parentId: top, mediaId });
    expect(mine.from).toBeUndefined();
    // Top-level list excludes replies.
    expect((await collect(listComments(client, mediaId))).map((c) => c.id)).toEqual([top]);
  });
});

describe('writing comments', () => {
  it('comments on the account’s media; replying to a reply is refused (100, fix the request)', async () => {
    const { client, mediaId } = await withPost();
    const { id } = await createComment(client, mediaId, 'Thanks everyone!');
    const { id: reply } = await replyToComment(client, id, 'PS: closed on Monday');
    expect(await getComment(client, id, { fields: ['id', 'text', 'parent_id'] })).toEqual({
      id,
      text: 'Thanks everyone!',
    });
    await expect(replyToComment(client, reply, 'nested')).rejects.toMatchObject({
      name: 'GraphApiError',
      code: 100,
      category: 'invalid_request',
      action: 'fix_request',
    });
  });

  it('hides and unhides a user comment; the account’s own comment cannot be hidden', async () => {
    const { account, client, mediaId, igsid } = await withPost();
    const { id } = await emu.control.userComment(igsid, {
      igUserId: account.igUserId,
      mediaId,
      text: 'spam spam',
    });
    expect(await setCommentHidden(client, id, true)).toEqual({ success: true });
    expect((await getComment(client, id)).hidden).toBe(true);
    expect(await setCommentHidden(client, id, false)).toEqual({ success: true });
    expect((await getComment(client, id)).hidden).toBe(false);
    const own = await createComment(client, mediaId, 'ours');
    await expect(setCommentHidden(client, own.id, true)).rejects.toMatchObject({
      code: 100,
      retryable: false,
    });
  });

  it('deletes a comment with its replies; reading it afterwards is 100/33', async () => {
    const { account, client, mediaId, igsid } = await withPost();
    const { id } = await emu.control.userComment(igsid, {
      igUserId: account.igUserId,
      mediaId,
      text: 'rude',
    });
    const { id: reply } = await replyToComment(client, id, 'Please keep it civil.');
    expect(await deleteComment(client, id)).toEqual({ success: true });
    for (const gone of [id, reply]) {
      await expect(getComment(client, gone)).rejects.toMatchObject({ code: 100, subcode: 33 });
    }
    const state = await emu.control.state();
    expect((state.comments as Array<{ id: string }>).map((c) => c.id)).toEqual([]);
  });

  it('a comment without manage_comments permission is a permission error', async () => {
    const { account, client, mediaId } = await withPost();
    await emu.control.settings(account.igUserId, {
      permissions: ['instagram_basic', 'instagram_content_publish'],
    });
    await expect(collect(listComments(client, mediaId))).rejects.toMatchObject({
      code: 10,
      category: 'permission',
    });
  });
});

describe('private reply from a comment (through MessagingClient)', () => {
  it('sends one private reply to the commenter; the policy then refuses a second and one after 7 days', async () => {
    const { account, mediaId, igsid } = await withPost('instagram');
    const graph = new GraphClient({ accessToken: account.accessToken, host: emu.url });
    const messaging = new MessagingClient({
      login: 'instagram',
      graph,
      igUserId: account.igUserId,
      clock: time.clock,
      sleep: time.sleep,
      limiter: false,
    });
    const { id } = await emu.control.userComment(igsid, {
      igUserId: account.igUserId,
      mediaId,
      text: 'price?',
    });
    const comment = await getComment(graph, id);
    const sent = await privateReplyToComment(messaging, comment, 'It is 40 €: I sent you the details.');
    expect(sent).toMatchObject({ outcome: 'sent', kind: 'private_reply' });
    const state = await emu.control.state();
    expect(state.messages).toMatchObject([
      { direction: 'outbound', igsid, commentId: id, text: 'It is 40 €: I sent you the details.' },
    ]);

    // A second one: refused locally when the caller says one was sent, by Meta (the emulator) otherwise.
    await expect(
      privateReplyToComment(messaging, comment, 'again', { privateReplySentAt: time.now }),
    ).rejects.toBeInstanceOf(MessagingPolicyError);
    await expect(privateReplyToComment(messaging, comment, 'again')).rejects.toMatchObject({
      code: 'PRIVATE_REPLY_USED',
    });

    const { id: old } = await emu.control.userComment(igsid, {
      igUserId: account.igUserId,
      mediaId,
      text: 'hello?',
    });
    const oldComment = await getComment(graph, old);
    await time.advance(8 * 24 * 3_600_000);
    await expect(privateReplyToComment(messaging, oldComment, 'late')).rejects.toMatchObject({
      name: 'MessagingPolicyError',
      code: 'MESSAGING_WINDOW_CLOSED',
    });
    expect((await emu.control.state()).messages).toHaveLength(1);
  });

  it('refuses a comment read without its timestamp before any call', async () => {
    const { account } = await withPost('instagram');
    const messaging = new MessagingClient({
      login: 'instagram',
      accessToken: account.accessToken,
      baseUrl: emu.url,
      limiter: false,
    });
    await expect(privateReplyToComment(messaging, { id: '1790000000000001' }, 'hi')).rejects.toMatchObject({
      name: 'ConfigurationError',
      code: 'MISSING_COMMENT_STATE',
    });
    expect((await emu.control.state()).messages).toEqual([]);
  });
});
