import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadStrings, relativeTime, resolveLocale, stringsFor } from '../i18n/index.js';
import { conversationStrings } from '../i18n/conversation-strings.js';

describe('i18n', () => {
  it('maps pt and pt-* to pt-BR and anything unknown to en', () => {
    assert.equal(resolveLocale('pt'), 'pt-BR');
    assert.equal(resolveLocale('pt-PT'), 'pt-BR');
    assert.equal(resolveLocale('PT-br'), 'pt-BR');
    assert.equal(resolveLocale('de-DE'), 'en');
    assert.equal(resolveLocale('en-GB'), 'en');
  });

  it('formats relative times in both languages', () => {
    const now = Date.UTC(2026, 0, 1);
    assert.equal(relativeTime(now - 3 * 60_000, now, 'en'), '3 minutes ago');
    assert.equal(relativeTime(now - 5_000, now, 'en'), 'now');
    assert.equal(relativeTime(now - 3 * 60_000, now, 'pt-BR'), 'há 3 minutos');
  });

  it('shows English until pt-BR, loaded on demand, has come', async () => {
    assert.equal(stringsFor('pt-BR'), stringsFor('en'));
    const ptBR = await loadStrings('pt-BR');
    assert.equal(stringsFor('pt-BR'), ptBR);
    assert.equal(ptBR.close, 'Fechar');
  });

  it('labels markers with author, first comment and reply count', async () => {
    await loadStrings('pt-BR');
    assert.equal(stringsFor('en').marker(3, 'Ana', 'Too dark', 2, false), 'Marker 3 by Ana: Too dark (2 replies)');
    assert.equal(stringsFor('pt-BR').marker(1, 'Ana', 'Escuro', 1, true), 'Marcador 1 de Ana, resolvido: Escuro (1 resposta)');
  });

  it('has a message for every error code in every language', async () => {
    await loadStrings('pt-BR');
    for (const locale of ['en', 'pt-BR'] as const) {
      for (const message of Object.values(stringsFor(locale).errors)) assert.ok(message.length > 0);
    }
  });

  it('names what a delete takes with it, in both languages', () => {
    const en = conversationStrings('en');
    const pt = conversationStrings('pt-BR');
    assert.deepEqual([0, 1, 3].map(en.confirmDeleteMarker), ['Delete this thread?', 'Delete this thread and its reply?', 'Delete this thread and its 3 replies?']);
    assert.deepEqual([0, 1, 3].map(pt.confirmDeleteMarker), ['Excluir esta conversa?', 'Excluir esta conversa e a resposta?', 'Excluir esta conversa e as 3 respostas?']);
    assert.equal(en.confirmDeleteComment(false), 'Delete this comment?');
    assert.match(pt.confirmDeleteComment(true), /marcador também/);
  });
});
