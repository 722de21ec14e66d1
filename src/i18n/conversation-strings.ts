/**
 * The strings of the conversation tools — delete confirmations, the threads list, who is viewing — in every UI
 * language. A module apart from en.ts/pt-BR.ts because only the panels' chunk uses it: kept there, it costs the
 * element's main file nothing (its size budget is tight) and pt-BR needs no chunk of its own for these.
 */
import type { SupportedLocale } from './index.js';

export interface ConversationStrings {
  /** The question before deleting a marker: what goes with it. */
  confirmDeleteMarker(replies: number): string;
  /** The question before deleting a comment; `last`: it is the marker's only one, so the marker goes too. */
  confirmDeleteComment(last: boolean): string;
  /** The toggle that opens the threads list, with how many threads are open (unresolved). */
  threadsToggle(open: number): string;
  threadsTitle: string;
  /** The filter's label and its choices. */
  show: string;
  filterOpen: string;
  filterResolved: string;
  filterAll: string;
  /** The switch that hides resolved markers on the picture. */
  hideResolved: string;
  /** "3 replies". */
  replies(n: number): string;
  /** Said before a thread's first words in the list (its number, spoken in full); empty without a number. */
  threadItem(n: number | undefined): string;
  noThreads: string;
  open: string;
  resolved: string;
  /** The presence stack's accessible name: how many people view the picture now. */
  viewing(count: number): string;
  /** Announced politely when people arrive. */
  joined(names: string[]): string;
  /** "+3": viewers not shown as avatars. */
  more(n: number): string;
  you: string;
}

const en: ConversationStrings = {
  confirmDeleteMarker: (n) =>
    n === 0 ? 'Delete this thread?' : `Delete this thread and its ${n === 1 ? 'reply' : `${n} replies`}?`,
  confirmDeleteComment: (last) => (last ? 'Delete this comment? It is the only one: the marker goes too.' : 'Delete this comment?'),
  threadsToggle: (n) => `Threads (${n} open)`,
  threadsTitle: 'Threads',
  show: 'Show',
  filterOpen: 'Open',
  filterResolved: 'Resolved',
  filterAll: 'All',
  hideResolved: 'Hide resolved markers',
  replies: (n) => (n === 1 ? '1 reply' : `${n} replies`),
  threadItem: (n) => (n ? `Marker ${n}:` : ''),
  noThreads: 'No threads here.',
  open: 'Open',
  resolved: 'Resolved',
  viewing: (n) => (n === 1 ? '1 person viewing' : `${n} people viewing`),
  joined: (names) => `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} now viewing`,
  more: (n) => `+${n}`,
  you: 'you',
};

const ptBR: ConversationStrings = {
  confirmDeleteMarker: (n) =>
    n === 0 ? 'Excluir esta conversa?' : `Excluir esta conversa e ${n === 1 ? 'a resposta' : `as ${n} respostas`}?`,
  confirmDeleteComment: (last) =>
    last ? 'Excluir este comentário? É o único: o marcador também será excluído.' : 'Excluir este comentário?',
  threadsToggle: (n) => `Conversas (${n} ${n === 1 ? 'aberta' : 'abertas'})`,
  threadsTitle: 'Conversas',
  show: 'Mostrar',
  filterOpen: 'Abertas',
  filterResolved: 'Resolvidas',
  filterAll: 'Todas',
  hideResolved: 'Ocultar marcadores resolvidos',
  replies: (n) => (n === 1 ? '1 resposta' : `${n} respostas`),
  threadItem: (n) => (n ? `Marcador ${n}:` : ''),
  noThreads: 'Nenhuma conversa aqui.',
  open: 'Aberta',
  resolved: 'Resolvida',
  viewing: (n) => (n === 1 ? '1 pessoa vendo' : `${n} pessoas vendo`),
  joined: (names) => `${names.join(', ')} ${names.length === 1 ? 'está vendo agora' : 'estão vendo agora'}`,
  more: (n) => `+${n}`,
  you: 'você',
};

const BY_LOCALE: Record<SupportedLocale, ConversationStrings> = { en, 'pt-BR': ptBR };

export function conversationStrings(locale: SupportedLocale): ConversationStrings {
  return BY_LOCALE[locale];
}
