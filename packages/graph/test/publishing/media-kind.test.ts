import { describe, expect, it } from 'vitest';
import { detectMediaKind, urlExtension } from '../../src/publishing/media-kind.js';

describe('detectMediaKind', () => {
  it.each([
    ['https://cdn.example.com/a/photo.jpg', 'image'],
    ['https://cdn.example.com/a/photo.JPEG?x=1', 'image'],
    ['https://cdn.example.com/a/clip.mp4', 'video'],
    ['https://cdn.example.com/a/clip.MOV#t=2', 'video'],
    ['https://cdn.example.com/a/clip.m4v', 'video'],
    ['https://cdn.example.com/media/12345', 'image'],
    ['https://cdn.example.com/v.mp4/thumb.jpg', 'image'],
    ['https://cdn.example.com/x.mp4.jpg', 'image'],
  ] as const)('%s → %s', (url, kind) => {
    expect(detectMediaKind(url)).toBe(kind);
  });

  it('lets the ?format= hint override the extension', () => {
    expect(detectMediaKind('http://127.0.0.1:9/media/abc?format=mp4')).toBe('video');
    expect(detectMediaKind('http://127.0.0.1:9/media/abc.mp4?format=jpg')).toBe('image');
    expect(detectMediaKind('http://127.0.0.1:9/media/abc?format=video%2Fmp4')).toBe('video');
  });

  it('ignores an unknown format hint and falls back to the extension', () => {
    expect(detectMediaKind('https://x.test/a.mov?format=weird')).toBe('video');
  });

  it('copes with strings that are not absolute URLs', () => {
    expect(detectMediaKind('clip.mp4')).toBe('video');
    expect(urlExtension('no-extension')).toBeUndefined();
    expect(urlExtension('/a/.hidden')).toBeUndefined();
  });
});
