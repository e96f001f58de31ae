/**
 * Issue 13, request mechanics over real sockets: batch requests, multiple ids, field expansion with
 * modifiers, every IG User / IG Media field, debug_token fields, bracket parameters, `method=`,
 * `suppress_http_code`, expired versions and "not emulated" answers.
 */
import { describe, expect, it } from 'vitest';
import { type Acct, err, useHarness } from '../helpers/http.js';

const h = useHarness({ freeze: true });
const IMG = 'https://cdn.example.com/a.jpg';

async function carousel(a: Acct, n = 2): Promise<string> {
  const kids: string[] = [];
  for (let i = 0; i < n; i++) kids.push(await h.container(a, { image_url: IMG, is_carousel_item: true }));
  const id = await h.container(a, { media_type: 'CAROUSEL', children: kids.join(',') });
  return String((await h.publish(a, id)).body['id']);
}

function form(body: Record<string, string>, token?: string): RequestInit {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: new URLSearchParams(body).toString(),
  };
}

describe('batch requests', () => {
  it('runs items in order as a form field; bodies are JSON strings; item errors do not fail the batch', async () => {
    const a = await h.account();
    const media = await h.post(a, { caption: 'one' });
    const batch = [
      { method: 'GET', relative_url: `${a.igUserId}?fields=id,username` },
      { method: 'GET', relative_url: `/v26.0/${media}?fields=caption` },
      { method: 'GET', relative_url: `${media}?fields=nope` },
      { method: 'POST', relative_url: `${a.igUserId}/media`, body: `image_url=${encodeURIComponent(IMG)}` },
    ];
    const res = await fetch(`${h.url}/v26.0/`, form({ batch: JSON.stringify(batch) }, a.accessToken));
    expect(res.status).toBe(200);
    const out = (await res.json()) as Array<{ code: number; headers: Array<{ name: string }>; body: string }>;
    expect(out.map((x) => x.code)).toEqual([200, 200, 400, 200]);
    expect(JSON.parse(out[0]!.body)).toEqual({ id: a.igUserId, username: a.username });
    expect(JSON.parse(out[1]!.body)).toEqual({ id: media, caption: 'one' });
    expect(JSON.parse(out[2]!.body).error.code).toBe(100);
    expect(JSON.parse(out[3]!.body)).toHaveProperty('id');
    expect(out[0]!.headers.map((x) => x.name)).toContain('X-App-Usage');
  });

  it('takes a JSON body, per-item access_token, JSONPath references and omit_response_on_success', async () => {
    const a = await h.account();
    const b = await h.account();
    const res = await h.req<unknown[]>('POST', '/v26.0/', {
      token: a.accessToken,
      body: {
        include_headers: false,
        batch: [
          { method: 'POST', name: 'create', relative_url: `${a.igUserId}/media`, body: { image_url: IMG } },
          {
            method: 'POST',
            relative_url: `${a.igUserId}/media_publish`,
            body: 'creation_id={result=create:$.id}',
          },
          { method: 'GET', relative_url: `${b.igUserId}?fields=id&access_token=${b.accessToken}` },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body[0]).toBeNull(); // referenced by a later item: omitted on success
    const published = res.body[1] as { code: number; body: string; headers?: unknown };
    expect(published.code).toBe(200);
    expect(published.headers).toBeUndefined();
    const mediaId = JSON.parse(published.body).id as string;
    expect(((await h.state()).media as Array<{ id: string }>).map((m) => m.id)).toContain(mediaId);
    expect(JSON.parse((res.body[2] as { body: string }).body)).toEqual({ id: b.igUserId });
  });

  it('refuses more than 50 items, skips items whose dependency failed, and counts each item as a call', async () => {
    const a = await h.account();
    const many = Array.from({ length: 51 }, () => ({ method: 'GET', relative_url: 'me' }));
    const tooMany = await h.req('POST', '/', { token: a.accessToken, body: { batch: many } });
    expect(tooMany.status).toBe(400);
    expect(err(tooMany).message).toMatch(/Maximum batch size is 50/);
    await h.settings(a.igUserId, { bucCallBudget: 3 });
    const res = await h.req<unknown[]>('POST', '/', {
      token: a.accessToken,
      body: {
        batch: [
          { method: 'GET', name: 'bad', relative_url: '999999999/nothing' },
          { method: 'GET', relative_url: 'me?fields=id', depends_on: 'bad' },
          ...Array.from({ length: 3 }, () => ({ method: 'GET', relative_url: `${a.igUserId}?fields=id` })),
        ],
      },
    });
    const codes = res.body.map((x) => (x === null ? null : (x as { code: number }).code));
    expect(codes).toEqual([400, null, 200, 200, 400]); // the budget of 3 calls runs out on the last item
    expect(JSON.parse((res.body[4] as { body: string }).body).error.code).toBe(80002);
  });
});

describe('multiple ids', () => {
  it('reads several nodes at once and fails as Meta does on an unknown id', async () => {
    const a = await h.account();
    const m1 = await h.post(a, { caption: 'x' });
    const m2 = await h.post(a, { caption: 'y' });
    const ok = await h.req('GET', `/v26.0/?ids=${m1},${m2}&fields=caption`, { token: a.accessToken });
    expect(ok.body).toEqual({ [m1]: { id: m1, caption: 'x' }, [m2]: { id: m2, caption: 'y' } });
    const bad = await h.req('GET', `/v26.0/?ids=${m1},123456789`, { token: a.accessToken });
    expect(bad.status).toBe(400);
    expect(err(bad)).toMatchObject({ code: 803, message: expect.stringContaining('123456789') });
    const edge = await h.req('GET', `/v26.0/insights?ids=${m1}&metric=views`, { token: a.accessToken });
    expect(edge.body).toMatchObject({ [m1]: { data: [{ name: 'views' }] } });
  });
});

describe('field expansion', () => {
  it('honours .limit() on children, with paging, and nests edges on the IG user', async () => {
    const a = await h.account();
    const album = await carousel(a, 3);
    const one = await h.req('GET', `/v26.0/${album}?fields=children.limit(1){media_type}`, {
      token: a.accessToken,
    });
    const children = one.body['children'] as { data: unknown[]; paging: { next?: string } };
    expect(children.data).toHaveLength(1);
    expect(children.data[0]).toMatchObject({ media_type: 'IMAGE' });
    expect(children.paging.next).toMatch(/after=/);
    const next = await h.req<{ data: unknown[] }>('GET', children.paging.next!, { token: a.accessToken });
    expect(next.body.data).toHaveLength(1);
    await h.post(a, { caption: 'newest' });
    const user = await h.req(
      'GET',
      `/v26.0/${a.igUserId}?fields=username,media.limit(1){caption,children{id}},content_publishing_limit`,
      {
        token: a.accessToken,
      },
    );
    expect(user.body).toMatchObject({
      username: a.username,
      media: { data: [{ caption: 'newest' }], paging: { cursors: expect.any(Object) } },
      content_publishing_limit: { data: [{ quota_usage: 2 }] },
    });
    const insights = await h.req('GET', `/v26.0/${album}?fields=insights.metric(reach,views)`, {
      token: a.accessToken,
    });
    expect((insights.body['insights'] as { data: Array<{ name: string }> }).data.map((d) => d.name)).toEqual([
      'reach',
      'views',
    ]);
    const modifiersAfter = await h.req('GET', `/v26.0/${album}?fields=children{id}.limit(2)`, {
      token: a.accessToken,
    });
    expect((modifiersAfter.body['children'] as { data: unknown[] }).data).toHaveLength(2);
  });

  it('accepts every IG Media and IG User field (deprecated video_title omitted), unknown ones → 100', async () => {
    const a = await h.account();
    await h.settings(a.igUserId, { videoProcessingMs: 0 });
    const reel = await h.container(a, { media_type: 'REELS', video_url: 'https://cdn.example.com/r.mp4' });
    const media = String((await h.publish(a, reel)).body['id']);
    const fields =
      'id,ig_id,media_type,media_product_type,caption,permalink,shortcode,timestamp,media_url,thumbnail_url,username,owner,like_count,comments_count,is_comment_enabled,is_shared_to_feed,alt_text,legacy_instagram_media_id,boost_ads_list,boost_eligibility_info,copyright_check_information,video_title,collaborators';
    const r = await h.req('GET', `/v26.0/${media}?fields=${fields}`, { token: a.accessToken });
    expect(r.status).toBe(200);
    expect(r.body).not.toHaveProperty('video_title');
    expect(r.body).toMatchObject({
      shortcode: expect.any(String),
      thumbnail_url: expect.any(String),
      is_comment_enabled: true,
      copyright_check_information: { status: { status: 'completed', matches_found: false } },
    });
    const userFields =
      'id,ig_id,user_id,username,name,account_type,biography,website,profile_picture_url,followers_count,follows_count,media_count,has_profile_pic,is_published,legacy_instagram_user_id,shopping_product_tag_eligibility';
    const u = await h.req('GET', `/v26.0/${a.igUserId}?fields=${userFields}`, { token: a.accessToken });
    expect(u.status).toBe(200);
    expect(Object.keys(u.body).sort()).toEqual(userFields.split(',').sort());
    expect(err(await h.req('GET', `/v26.0/${media}?fields=nope`, { token: a.accessToken })).code).toBe(100);
  });

  it('debug_token?fields= returns only the requested fields', async () => {
    const a = await h.account();
    const r = await h.req(
      'GET',
      `/v26.0/debug_token?input_token=${a.accessToken}&fields=is_valid,scopes,granular_scopes`,
      {
        token: `${a.appId}|${a.appSecret}`,
      },
    );
    const data = r.body['data'] as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(['granular_scopes', 'is_valid', 'scopes']);
    expect(data['is_valid']).toBe(true);
  });
});

describe('encodings real clients send', () => {
  it('reads bracket parameters as arrays and objects (children[0]=…, recipient[id]=…)', async () => {
    const a = await h.account();
    const k1 = await h.container(a, { image_url: IMG, is_carousel_item: true });
    const k2 = await h.container(a, { image_url: IMG, is_carousel_item: true });
    const res = await fetch(
      `${h.url}/v26.0/${a.igUserId}/media`,
      form({ media_type: 'CAROUSEL', 'children[0]': k1, 'children[1]': k2 }, a.accessToken),
    );
    expect(res.status).toBe(200);
    const { igsid } = await h.control<{ igsid: string }>('POST', '/users', {});
    await h.control('POST', `/users/${igsid}/messages`, { igUserId: a.igUserId, text: 'hi' });
    const send = await fetch(
      `${h.url}/v26.0/${a.pageId}/messages`,
      form({ 'recipient[id]': igsid, 'message[text]': 'hello back' }, a.pageAccessToken),
    );
    expect(send.status).toBe(200);
    expect(await send.json()).toMatchObject({ recipient_id: igsid });
  });

  it('honours method= overrides and suppress_http_code=1', async () => {
    const a = await h.account();
    const media = await h.post(a);
    const del = await h.req('POST', `/v26.0/${media}?method=delete`, { token: a.accessToken });
    expect(del.body).toEqual({ success: true });
    const get = await h.req('POST', `/v26.0/${a.igUserId}?method=get&fields=username`, {
      token: a.accessToken,
    });
    expect(get.body).toEqual({ id: a.igUserId, username: a.username });
    const suppressed = await h.req('GET', `/v26.0/${media}?suppress_http_code=1`, { token: a.accessToken });
    expect(suppressed.status).toBe(200);
    expect(err(suppressed)).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('serves an expired version as the oldest available one and says so', async () => {
    const a = await h.account();
    await h.control('POST', '/clock', { freeze: false });
    // Emulated date 2026-11: v20.0 expired on 2026-09-24, so v21.0 is the oldest available.
    const now = (await h.control<{ now: number }>('GET', '/clock')).now;
    const expectedOldest = now < Date.UTC(2026, 8, 24) ? null : now < Date.UTC(2027, 0, 21) ? 'v21.0' : null;
    const old = await h.req('GET', `/v19.0/${a.igUserId}?fields=id`, { token: a.accessToken });
    expect(old.status).toBe(200);
    if (expectedOldest !== null) expect(old.headers.get('facebook-api-version')).toBe(expectedOldest);
    const ancient = await h.req('GET', `/v2.8/${a.igUserId}?fields=id`, { token: a.accessToken });
    expect(ancient.headers.get('facebook-api-version')).not.toBe('v2.8');
    const current = await h.req('GET', `/v25.0/${a.igUserId}?fields=id`, { token: a.accessToken });
    expect(current.headers.get('facebook-api-version')).toBe('v25.0');
  });
});

describe('not emulated', () => {
  it('answers a missing edge with a distinctive error and lists it in state()', async () => {
    const a = await h.account();
    const r = await h.req('GET', `/v26.0/${a.igUserId}/tags`, { token: a.accessToken });
    expect(err(r)).toMatchObject({
      type: 'IgkitEmulatorNotEmulated',
      message: expect.stringMatching(/^igkit emulator: GET \/\{id\}\/tags is not emulated/),
    });
    const hashtag = await h.req('GET', '/v26.0/ig_hashtag_search?q=x', { token: a.accessToken });
    expect(err(hashtag).message).toMatch(/^igkit emulator: GET \/ig_hashtag_search is not emulated/);
    const field = await h.req('GET', `/v26.0/${a.igUserId}?fields=business_discovery`, {
      token: a.accessToken,
    });
    expect(err(field).message).toMatch(
      /^igkit emulator: the IG User field business_discovery is not emulated/,
    );
    const state = await h.state();
    expect((state['notEmulated'] as Array<{ what: string }>).map((n) => n.what)).toEqual([
      'GET /{id}/tags',
      'GET /ig_hashtag_search',
      'the IG User field business_discovery',
    ]);
    // An unknown id is still Meta's own answer.
    expect(err(await h.req('GET', '/v26.0/987654321', { token: a.accessToken }))).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
  });
});
